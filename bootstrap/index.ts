/**
 * grafana-athena-bootstrap: run once in the organisation's management account (or the StackSets
 * delegated administrator). Exports the StackSet's name, the role names every member account gets,
 * and the state bucket's policy when the stacks keep their state in S3.
 */
import { CiRolesStackSet } from "./ciRolesStackSet";
import { loadBootstrapConfig } from "./config";

const ciRoles = new CiRolesStackSet("grafana-athena-ci", loadBootstrapConfig());

export const stackSetName = ciRoles.stackSet.name;
export const planRoleName = ciRoles.planRoleName;
export const deployRoleName = ciRoles.deployRoleName;
export const stateBucketPolicy = ciRoles.stateBucketPolicy;
