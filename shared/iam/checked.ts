/**
 * The one way programs turn a PolicyDocument into the JSON a resource gets: rendered, checked
 * against the IAM catalog, and measured against its quota. A problem stops the deployment with a
 * message that names the policy, before any API call is made with it.
 */
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument, PolicyError } from "./policy";
import { checkPolicySize } from "./size";
import { validatePolicy } from "./validate";

export function checkedPolicyJson(doc: PolicyDocument, wayOut: string): pulumi.Output<string> {
    return doc.resolve().apply(async (json) => {
        const problems = await validatePolicy(json, doc.kind);
        if (problems.length > 0) {
            throw new PolicyError(`IAM policy "${doc.name}" is not valid:\n${problems.join("\n")}`);
        }
        checkPolicySize(doc.name, doc.kind, json, wayOut);
        return JSON.stringify(json);
    });
}
