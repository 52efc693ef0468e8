/**
 * grafana-athena-source: run once in every data account. Exports exactly the stack-output
 * contract the workspace stack reads (shared/contract.ts).
 */
import { AthenaSourceAccess } from "../components/source/athenaSourceAccess";
import { loadSourceConfig } from "../components/source/config";

const source = new AthenaSourceAccess("grafana-athena", loadSourceConfig());

export const contractVersion = source.contract.contractVersion;
export const accountId = source.contract.accountId;
export const region = source.contract.region;
export const roleArn = source.contract.roleArn;
export const externalId = source.contract.externalId;
export const catalog = source.contract.catalog;
export const database = source.contract.database;
export const workgroup = source.contract.workgroup;
export const outputLocation = source.contract.outputLocation;
export const label = source.contract.label;
export const tables = source.contract.tables;
export const panels = source.contract.panels;
export const variables = source.contract.variables;
export const teams = source.contract.teams;
