/**
 * The one way programs turn a PolicyDocument into the JSON a resource gets: rendered, checked
 * against the IAM catalog, and measured against its quota. A problem stops the deployment with a
 * message that names the policy, before any API call is made with it.
 */
import * as pulumi from "@pulumi/pulumi";
import { refusing } from "../resourceRefusal";
import { PolicyDocument, PolicyError, PolicyJson, unexpectedPolicyVariables } from "./policy";
import { checkPolicySize } from "./size";
import { validatePolicy } from "./validate";

/** The rendered policy as JSON text once it is valid and within its quota; else a PolicyError. */
export async function checkedPolicyText(
    doc: Pick<PolicyDocument, "name" | "kind"> & Partial<Pick<PolicyDocument, "variableProblems">>,
    json: PolicyJson,
    wayOut: string,
): Promise<string> {
    // Policy variables first: a value that was an Output (a role ARN from a stack reference) is
    // only known here, and a variable in it would otherwise pass as a valid ARN.
    const variables = doc.variableProblems
        ? doc.variableProblems(json)
        : json.Statement.flatMap((s) => unexpectedPolicyVariables(s));
    const problems = [...variables, ...(await validatePolicy(json, doc.kind))];
    if (problems.length > 0) {
        throw new PolicyError(`IAM policy "${doc.name}" is not valid:\n${problems.join("\n")}`);
    }
    checkPolicySize(doc.name, doc.kind, json, wayOut);
    return JSON.stringify(json);
}

/**
 * The document as the JSON input of `resource`'s child: a problem refuses `resource`, naming the policy and
 * `wayOut`.
 */
export function checkedPolicyJson(
    doc: PolicyDocument,
    wayOut: string,
    resource: pulumi.Resource,
): pulumi.Output<string> {
    return doc.resolve().apply((json) => refusing(resource, () => checkedPolicyText(doc, json, wayOut)));
}
