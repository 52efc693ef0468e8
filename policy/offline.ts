/**
 * The policy pack on offline plans (tools/plan/format.ts): each plan's resources shown to the
 * rules as the engine shows them to the pack (type, name, inputs), one violation per finding, with
 * the enforcement level the pack's config gives it. Pure, no cloud.
 */
import type { Plan } from "../tools/plan/format";
import { GrafanaDetection, RULES, ResourceView, TYPES } from "./rules";
import { IAM_TYPES } from "./permissions";
import { GRANT_TYPES } from "./resourceGrants";
import { configuredLocations } from "./s3Writes";

export type EnforcementLevel = "advisory" | "mandatory" | "disabled" | "remediate";

/** The pack's config, the shape `pulumi preview --policy-pack-config FILE` reads. */
export type PackConfig = Record<
    string,
    EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & GrafanaDetection)
>;

export interface Violation {
    policy: string;
    level: Exclude<EnforcementLevel, "disabled">;
    /** `<project>/<stack>` of the plan. */
    stack: string;
    resource: string;
    type: string;
    message: string;
    fix: string;
}

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"];

/** The problems of a pack config, one line each naming the key; none when it is valid. */
export function packConfigProblems(config: unknown): string[] {
    if (!config || typeof config !== "object" || Array.isArray(config))
        return [
            'the policy config must be an object {"<policy>": level or ' +
                "{enforcementLevel, workspaceRoleArns, grafanaAccountIds}}",
        ];
    const names = RULES.map((r) => r.name);
    const problems: string[] = [];
    for (const [policy, value] of Object.entries(config)) {
        if (policy === "all") {
            if (!LEVELS.includes(value as EnforcementLevel))
                problems.push(`all: must be one of ${LEVELS.join(", ")}`);
            continue;
        }
        if (!names.includes(policy)) {
            problems.push(`${policy.slice(0, 80)}: is not a policy of this pack (${names.join(", ")})`);
            continue;
        }
        if (typeof value === "string") {
            if (!LEVELS.includes(value as EnforcementLevel))
                problems.push(`${policy}: must be one of ${LEVELS.join(", ")}`);
            continue;
        }
        if (!value || typeof value !== "object" || Array.isArray(value)) {
            problems.push(
                `${policy}: must be a level or an object {enforcementLevel?, workspaceRoleArns?, ` +
                    `grafanaAccountIds?, allowedPolicyArns?, grafanaRoleNames?, resultsLocations?}`,
            );
            continue;
        }
        for (const [k, v] of Object.entries(value)) {
            if (k === "enforcementLevel") {
                if (!LEVELS.includes(v as EnforcementLevel))
                    problems.push(`${policy}.enforcementLevel: must be one of ${LEVELS.join(", ")}`);
            } else if (
                k === "workspaceRoleArns" ||
                k === "grafanaAccountIds" ||
                k === "allowedPolicyArns" ||
                k === "grafanaRoleNames"
            ) {
                if (!Array.isArray(v) || v.some((x) => typeof x !== "string"))
                    problems.push(`${policy}.${k}: must be a list of strings`);
            } else if (k === "resultsLocations") {
                const locations = configuredLocations({ resultsLocations: v as string[] });
                if (typeof locations === "string") problems.push(`${policy}.${k}${locations}`);
            } else
                problems.push(
                    `${policy}.${k.slice(0, 80)}: is not a setting of the policy (enforcementLevel, ` +
                        `workspaceRoleArns, grafanaAccountIds, allowedPolicyArns, grafanaRoleNames, ` +
                        `resultsLocations)`,
                );
        }
    }
    return problems;
}

/**
 * The config with `accounts` as the Grafana accounts of every policy whose settings name none
 * (neither grafanaAccountIds nor workspaceRoleArns); a level alone keeps its level. What a fleet
 * knows (its workspace stacks' accounts) for a pack run without a config of its own.
 */
export function withGrafanaAccounts(config: PackConfig, accounts: readonly string[]): PackConfig {
    if (accounts.length === 0) return config;
    const out: PackConfig = { ...config };
    for (const rule of RULES) {
        const own = config[rule.name];
        if (typeof own === "string")
            out[rule.name] = { enforcementLevel: own, grafanaAccountIds: [...accounts] };
        else if (own === undefined || (!own.grafanaAccountIds?.length && !own.workspaceRoleArns?.length))
            out[rule.name] = { ...own, grafanaAccountIds: [...accounts] };
    }
    return out;
}

function settingsOf(
    config: PackConfig,
    policy: string,
): { level: EnforcementLevel; detection: GrafanaDetection } {
    const all = config.all as EnforcementLevel | undefined;
    const own = config[policy];
    if (typeof own === "string") return { level: own, detection: {} };
    const { enforcementLevel, ...detection } = own ?? {};
    return { level: enforcementLevel ?? all ?? "mandatory", detection };
}

/** Every violation of every plan, in the order of the plans, the rules and the resources. */
export async function evaluatePlans(plans: readonly Plan[], config: PackConfig = {}): Promise<Violation[]> {
    const out: Violation[] = [];
    for (const plan of plans) {
        // A resource's provider, by the name the plan gives it (its provider's own resource in the plan).
        const providers = new Map(
            plan.resources.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => [r.name, r]),
        );
        const resources: ResourceView[] = plan.resources.map((r) => {
            const p = r.provider === null ? undefined : providers.get(r.provider);
            return {
                type: r.type,
                name: r.name,
                props: r.inputs,
                ignoreChanges: r.options.ignoreChanges,
                provider: p && { type: p.type, name: p.name, props: p.inputs },
            };
        });
        for (const rule of RULES) {
            const { level, detection } = settingsOf(config, rule.name);
            if (level === "disabled") continue;
            let findings;
            try {
                findings = await rule.check(resources, detection);
            } catch (e) {
                // A fault of the pack on some input fails the policy in one line, never passes it.
                const why = String(e instanceof Error ? e.message : e)
                    .split("\n")[0]
                    .slice(0, 200);
                findings = [
                    {
                        resource: {
                            type: "pulumi:pulumi:Stack",
                            name: `${plan.project}-${plan.stack}`,
                            props: {},
                        },
                        message: `the policy could not judge the plan: ${why}`,
                    },
                ];
            }
            for (const f of findings) {
                out.push({
                    policy: rule.name,
                    level,
                    stack: `${plan.project}/${plan.stack}`,
                    resource: f.resource.name,
                    type: f.resource.type,
                    message: f.message,
                    fix: rule.fix,
                });
            }
        }
    }
    return out;
}

/**
 * What judging a plan costs, in the units the rules spend: every role is checked against the
 * plan's IAM documents (each policy text validated once per role that may use it) and each
 * managed policy against each attachment (policy/rules.ts `identityPolicies`), so the cost is the
 * plan's roles times (the characters of its IAM resources' inputs + its policies times its
 * attachments). A real stack has one or a few roles and kilobytes of policy; a plan made to be
 * slow (a thousand roles sharing a large policy) has billions.
 */
export function evaluationCost(plan: Plan): number {
    const count = (type: string) => plan.resources.filter((r) => r.type === type).length;
    // Resource policies and grants that may reach a role are read per role too (policy/resourceGrants.ts).
    const iam: readonly string[] = [...Object.values(IAM_TYPES), ...Object.values(GRANT_TYPES)];
    const size = (v: unknown) => {
        try {
            return JSON.stringify(v)?.length ?? 0;
        } catch {
            return Infinity;
        }
    };
    const chars = plan.resources.filter((r) => iam.includes(r.type)).reduce((n, r) => n + size(r.inputs), 0);
    const roles = count(TYPES.role) + count(TYPES.nativeRole);
    return (
        roles *
        (chars + (count(TYPES.policy) + count(TYPES.nativeManagedPolicy)) * (plan.resources.length - roles))
    );
}

/**
 * The most evaluationCost a set of plans may have when the pack judges a pull request's plans for
 * its comment (tools/ci/planDiff/cli.ts `--policy`). Measured on this project's shared 2-core machine:
 * at this cost, one role with a 1.6 MB policy of 40,000 statements, or 40 roles sharing a policy
 * of 1,000, took 5 to 10 s (90,000 violations); 1,000 roles sharing 1,000 policies (3·10⁹) took
 * minutes. The example source stack costs 3,466, so 64 such plans cost 2·10⁵.
 */
export const MAX_COMMENT_EVALUATION_COST = 8 * 1024 * 1024;

/** One line per violation: level, policy, stack, resource name and type, what is wrong, the fix. */
export function violationLine(v: Violation): string {
    return `${v.level}: ${v.policy}: ${v.stack}: ${v.resource} (${v.type}): ${v.message}. Fix: ${v.fix}`;
}
