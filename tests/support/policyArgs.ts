/** The accounts, roles, external ID and source arguments the policy-builder tests render policies for. */
import assert from "node:assert/strict";
import { PolicyDocument, PolicyJson } from "../../shared/iam/policy";
import { parseS3Url } from "../../shared/s3";

export const A = "111122223333"; // Grafana account
export const B = "222233334444"; // data account
export const WORKSPACE_ROLE = `arn:aws:iam::${A}:role/service-role/AmazonGrafanaServiceRole-abc123`;
export const SOURCE_ROLE = `arn:aws:iam::${B}:role/AmazonManagedGrafana-CrossAccountAthena`;
export const SESSION = `arn:aws:sts::${B}:assumed-role/AmazonManagedGrafana-CrossAccountAthena/grafana`;
export const EXTERNAL_ID = "Zt7yq2WcV9kR4mP8sN3xL6bH1dF5gJ0aQeUoIiYtRwEr";
export const accessArgs = {
    policyName: "AthenaAccess",
    accountId: B,
    region: "eu-west-1",
    catalog: "AwsDataCatalog",
    database: "sales",
    workgroup: "grafana",
    tables: ["orders", "customers"],
    dataLocations: [
        parseS3Url("s3://sales-data/warehouse/orders/")!,
        parseS3Url("s3://sales-data/warehouse/customers")!,
    ],
    results: { bucket: "grafana-results", prefix: "grafana/" },
};
export const only = (docs: PolicyDocument[]): PolicyJson => {
    assert.equal(docs.length, 1);
    return docs[0].toJSON();
};
