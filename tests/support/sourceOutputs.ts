/**
 * The public outputs of a source stack in account `account`, as the source program exports them,
 * for tests of the rules over a set of sources; `over` changes any of them.
 */
import type { PublicSourceOutputs } from "../../shared/contract";
import { DEFAULT_ROLE_NAME } from "../../shared/config/source";

export const sourceOutputs = (
    account: string,
    over: Partial<PublicSourceOutputs> = {},
): PublicSourceOutputs => ({
    contractVersion: 1,
    accountId: account,
    region: "eu-west-1",
    roleArn: `arn:aws:iam::${account}:role/${DEFAULT_ROLE_NAME}`,
    catalog: "AwsDataCatalog",
    database: "sales",
    workgroup: "grafana",
    outputLocation: `s3://results-${account}/grafana/`,
    label: "Sales",
    teams: [],
    ...over,
});
