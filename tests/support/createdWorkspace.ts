/**
 * `createWorkspace` as docs/deploying.md shows it: a 12.4 workspace signed in through IAM Identity
 * Center, with an admins group and an editors group, for the tests of the workspace it creates.
 */
export const ADMINS_GROUP = "9a6731e4-1051-70a9-2f5b-5c3a1c1e0c11";
export const EDITORS_GROUP = "2c1d9e8f-3041-7012-aa21-0b9c8d7e6f50";
export const CREATE_WORKSPACE = {
    name: "observability",
    grafanaVersion: "12.4",
    authentication: ["AWS_SSO"],
    admins: [ADMINS_GROUP],
    editors: [EDITORS_GROUP],
};
export const WORKSPACE_TYPE = "aws:grafana/workspace:Workspace";
