/**
 * The rules of policy/rules.ts as @pulumi/policy stack policies (1.21.0): each mandatory by
 * default, each switchable and configurable through the pack's config (`pulumi preview
 * --policy-pack policy --policy-pack-config FILE`: `{"<policy>": "advisory" | "disabled" |
 * {"enforcementLevel": ..., "workspaceRoleArns": [...], "grafanaAccountIds": [...]}}`).
 * A stack policy sees every resource with its inputs (`PolicyResource.props`), which the rules
 * need to connect a role to its attachments and a bucket to its bucket policy.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { GrafanaDetection, RULES, ResourceView, Rule } from "./rules";

/** The detection settings every policy accepts (JSON Schema, as @pulumi/policy validates config). */
export const DETECTION_CONFIG_SCHEMA = {
    properties: {
        workspaceRoleArns: { type: "array" as const, items: { type: "string" as const }, description: "Workspace role ARNs of your Grafana workspaces (AMG's AmazonGrafanaServiceRole-* are recognised anyway)." },
        grafanaAccountIds: { type: "array" as const, items: { type: "string" as const }, description: "Accounts that host Grafana workspaces: a role trusting any of their principals counts as Grafana's." },
    },
};

/** A policy resource as the rules see it; the engine's dependencies by property connect an attachment to its role and policy when ARNs are unknown. */
function view(r: PolicyResource, depth = 0): ResourceView {
    return {
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: r.props,
        ignoreChanges: r.opts?.ignoreChanges ?? [],
        propertyDependencies:
            depth > 0 ? {} : Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([k, deps]) => [k, deps.map((x) => view(x, depth + 1))])),
    };
}

export function stackPolicy(rule: Rule): StackValidationPolicy {
    return {
        name: rule.name,
        description: rule.description,
        enforcementLevel: "mandatory",
        remediationSteps: rule.fix,
        configSchema: DETECTION_CONFIG_SCHEMA,
        validateStack: async (args, reportViolation) => {
            const detection = args.getConfig<GrafanaDetection>();
            for (const f of await rule.check(args.resources.map((r) => view(r)), detection)) {
                reportViolation(`${f.message}. Fix: ${rule.fix}`, f.resource.urn);
            }
        },
    };
}

export const POLICIES: StackValidationPolicy[] = RULES.map(stackPolicy);
