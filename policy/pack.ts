/**
 * The rules of policy/rules.ts as @pulumi/policy stack policies (1.21.0): each mandatory by
 * default, each switchable and configurable through the pack's config (`pulumi preview
 * --policy-pack policy --policy-pack-config FILE`: `{"<policy>": "advisory" | "disabled" |
 * {"enforcementLevel": ..., "workspaceRoleArns": [...], "grafanaAccountIds": [...], ...}}`).
 * A stack policy sees every resource with its inputs (`PolicyResource.props`), which the rules
 * need to connect a role to its attachments and a bucket to its bucket policy.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { GrafanaDetection, RULES, ResourceView, Rule } from "./rules";
import { UNKNOWN, isRecord } from "./values";

/** The detection settings every policy accepts (JSON Schema, as @pulumi/policy validates config). */
export const DETECTION_CONFIG_SCHEMA = {
    properties: {
        workspaceRoleArns: {
            type: "array" as const,
            items: { type: "string" as const },
            description:
                "Workspace role ARNs of your Grafana workspaces (AMG's " +
                "AmazonGrafanaServiceRole-* are recognised anyway).",
        },
        grafanaAccountIds: {
            type: "array" as const,
            items: { type: "string" as const },
            description:
                "Accounts that host Grafana workspaces: a role trusting any of " +
                "their principals counts as Grafana's.",
        },
        allowedPolicyArns: {
            type: "array" as const,
            items: { type: "string" as const },
            description:
                "Policies from outside the stack (AWS managed ones included) allowed " +
                "on a role Grafana may assume, by exact ARN.",
        },
        grafanaRoleNames: {
            type: "array" as const,
            items: { type: "string" as const },
            description:
                "Names of roles of other stacks Grafana may assume (the source stacks' default role " +
                "name is one anyway): what this stack attaches to them is judged.",
        },
        resultsLocations: {
            type: "array" as const,
            items: { type: "string" as const, pattern: "^s3://" },
            description:
                "S3 locations s3://bucket/prefix/ where Athena writes Grafana's query results and the stack's plan does not show it (an adopted workgroup, or one of another stack): a Grafana role may write there.",
        },
    },
};

/**
 * @pulumi/policy 1.21.0 (proxy.js `unknownCheckingProxy`, server.js `makeAnalyzeStackRpcFun`)
 * hands a stack policy `props` behind a Proxy that throws `UnknownValueError` when a value unknown
 * in a preview is read, and turns that error into one advisory "can't run during preview" for the
 * whole policy: a stack could switch a mandatory policy off by making any one value unknown. The
 * pack reads the proxy's target instead (the key the proxy answers it under) and marks each
 * unknown value `UNKNOWN`, so the rest of the stack is still judged.
 */
const proxy = require("@pulumi/policy/proxy") as Record<string, string>;
const TARGET = proxy.getSpecialProxyTarget;
const SENTINELS = new Set(
    [
        "unknownBooleanValue",
        "unknownNumberValue",
        "unknownStringValue",
        "unknownArrayValue",
        "unknownAssetValue",
        "unknownArchiveValue",
        "unknownObjectValue",
    ].map((k) => proxy[k]),
);
/** Deeper than any resource's inputs nest; beyond it a value is left out. */
const MAX_DEPTH = 64;

function plain(value: unknown, depth = 0): unknown {
    if (typeof value === "string") return SENTINELS.has(value) ? UNKNOWN : value;
    if (depth > MAX_DEPTH || value === null || typeof value !== "object")
        return depth > MAX_DEPTH ? undefined : value;
    if (Array.isArray(value)) return value.map((v) => plain(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) out[k] = plain((value as Record<string, unknown>)[k], depth + 1);
    return out;
}

/** The raw inputs behind the engine's proxy, unknowns marked. */
export function inputsOf(props: unknown): Record<string, unknown> {
    const raw =
        props !== null && typeof props === "object"
            ? ((props as Record<string, unknown>)[TARGET] ?? props)
            : {};
    const p = plain(raw);
    return isRecord(p) ? p : {};
}

/**
 * A policy resource as the rules see it; the engine's dependencies by property connect an attachment to its
 * role and policy when values are unknown.
 */
function view(r: PolicyResource): ResourceView {
    const ref = (x: PolicyResource): ResourceView => ({ type: x.type, name: x.name, urn: x.urn, props: {} });
    const deps = r.propertyDependencies ?? {};
    return {
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: inputsOf(r.props),
        ignoreChanges: r.opts?.ignoreChanges ?? [],
        provider: r.provider
            ? {
                  type: r.provider.type,
                  name: r.provider.name,
                  urn: r.provider.urn,
                  props: inputsOf(r.provider.props),
              }
            : undefined,
        propertyDependencies: Object.fromEntries(Object.keys(deps).map((k) => [k, (deps[k] ?? []).map(ref)])),
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
            let findings;
            try {
                findings = await rule.check(args.resources.map(view), detection ?? {});
            } catch (e) {
                // A fault of the pack on some input fails the policy in one line, never passes it.
                reportViolation(
                    `the policy could not judge the stack: ${String(e instanceof Error ? e.message : e)
                        .split("\n")[0]
                        .slice(0, 200)}`,
                );
                return;
            }
            for (const f of findings) reportViolation(`${f.message}. Fix: ${rule.fix}`, f.resource.urn);
        },
    };
}

export const POLICIES: StackValidationPolicy[] = RULES.map(stackPolicy);
