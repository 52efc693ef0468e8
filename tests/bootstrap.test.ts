/**
 * The bootstrap project (grafana-athena-bootstrap) as the real program plans it: one
 * service-managed StackSet with automatic deployment and an instance per organisational unit, a
 * template with nothing of any one account in it, roles that trust only this repository's jobs, and
 * every bad setting refused in one line naming its key.
 */
import assert from "node:assert/strict";
import { ACCOUNT_SENTINEL } from "../shared/bootstrap/template";
import type { PolicyJson } from "../shared/iam/policy";
import { summary } from "../tools/plan/synth";
import { BOOTSTRAP_DIR, byType, configProblems, oneOf, refusal } from "./support/program";
import { MEMBER, REGION, REPOSITORY, memberRoles, planBootstrap, templateOf } from "./support/bootstrapPlan";

const NS = "grafana-athena-bootstrap";
const STACK_SET = "aws:cloudformation/stackSet:StackSet";
const INSTANCE = "aws:cloudformation/stackSetInstance:StackSetInstance";

/**
 * IAM's `StringLike`: `*` any run of characters, `?` one; everything else literal. The trust
 * policies are read with IAM's rules here because the evaluator cannot judge them: iam-simulate
 * 0.1.173 ignores an OIDC provider's condition keys (`token.actions.githubusercontent.com:sub`,
 * reported as ignored context keys) and denies every `sts:AssumeRoleWithWebIdentity`.
 */
function stringLike(pattern: string, value: string): boolean {
    const re = pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, "[\\s\\S]*")
        .replace(/\?/g, "[\\s\\S]");
    return new RegExp(`^${re}$`).test(value);
}

/**
 * Whether a web identity token with `sub` (audience sts.amazonaws.com) passes the trust policy's conditions.
 */
function subjectTrusted(trust: PolicyJson, sub: string, aud = "sts.amazonaws.com"): boolean {
    const host = "token.actions.githubusercontent.com";
    return trust.Statement.some((s) => {
        if (s.Effect !== "Allow" || s.Action !== "sts:AssumeRoleWithWebIdentity") return false;
        const list = (v: string | string[] | undefined) =>
            v === undefined ? [] : Array.isArray(v) ? v : [v];
        const eq = s.Condition?.StringEquals ?? {};
        const like = s.Condition?.StringLike ?? {};
        const operators = Object.keys(s.Condition ?? {});
        if (operators.some((o) => o !== "StringEquals" && o !== "StringLike")) return false;
        const audOk = list(eq[`${host}:aud`]).includes(aud);
        const subOk =
            eq[`${host}:sub`] !== undefined
                ? list(eq[`${host}:sub`]).includes(sub)
                : list(like[`${host}:sub`]).some((p) => stringLike(p, sub));
        return audOk && subOk && (eq[`${host}:sub`] !== undefined || like[`${host}:sub`] !== undefined);
    });
}

const subject = (env: string, workflow: string, ref: string, event: string, repo = REPOSITORY) =>
    `repo:${repo}:environment:${env}:job_workflow_ref:${repo}/.github/` +
    `workflows/${workflow}@${ref}:event_name:${event}`;

describe("bootstrap: the CI roles of every account as one StackSet", function () {
    this.timeout(60_000);

    it("plans one service-managed StackSet with automatic deployment, and one instance per organisational unit", async () => {
        const result = await planBootstrap({
            set: { [`${NS}:organizationalUnitIds`]: ["ou-ab12-cdef3456", "ou-ab12-99998888"] },
        });
        const set = oneOf(result, STACK_SET).inputs;
        assert.equal(set.permissionModel, "SERVICE_MANAGED");
        assert.deepEqual(set.autoDeployment, { enabled: true, retainStacksOnAccountRemoval: false });
        assert.equal(set.callAs, "SELF");
        assert.deepEqual(set.capabilities, ["CAPABILITY_NAMED_IAM"]);
        assert.deepEqual(set.parameters, { CreateOidcProvider: "true" });
        const instances = byType(result, INSTANCE).map((r) => r.inputs as Record<string, any>);
        assert.deepEqual(instances.map((i) => i.deploymentTargets.organizationalUnitIds).sort(), [
            ["ou-ab12-99998888"],
            ["ou-ab12-cdef3456"],
        ]);
        for (const i of instances) {
            assert.equal(i.stackSetName, set.name);
            assert.equal(i.stackSetInstanceRegion, REGION);
            assert.equal(i.callAs, "SELF");
            assert.equal(i.operationPreferences.failureToleranceCount, 0);
        }
    });

    it("runs as a delegated administrator when told, and leaves an existing OIDC provider alone", async () => {
        const result = await planBootstrap({
            set: { [`${NS}:delegatedAdministrator`]: true, [`${NS}:createOidcProvider`]: false },
        });
        assert.equal(oneOf(result, STACK_SET).inputs.callAs, "DELEGATED_ADMIN");
        assert.equal(oneOf(result, INSTANCE).inputs.callAs, "DELEGATED_ADMIN");
        assert.deepEqual(oneOf(result, STACK_SET).inputs.parameters, { CreateOidcProvider: "false" });
    });

    it("holds nothing of one account: a new account of the OU needs nothing but its stack file", async () => {
        const result = await planBootstrap();
        const body = oneOf(result, STACK_SET).inputs.templateBody as string;
        assert.doesNotMatch(
            body,
            /\d{12}/,
            "no account ID (the sentinel or a real one) is baked into the template",
        );
        assert.ok(!body.includes(ACCOUNT_SENTINEL));
        const other = memberRoles(result, "999988887777");
        assert.ok(
            JSON.stringify(other.deployPolicy).includes(
                "arn:aws:iam::999988887777:role/AmazonManagedGrafana-CrossAccountAthena",
            ),
        );
        assert.equal(other.boundaryArn, "arn:aws:iam::999988887777:policy/grafana-athena-ci-boundary");
        const resources = templateOf(result).Resources;
        assert.deepEqual(Object.keys(resources).sort(), [
            "DeployRole",
            "GitHubOidcProvider",
            "PermissionsBoundary",
            "PlanRole",
        ]);
        assert.deepEqual(resources.GitHubOidcProvider.Properties.ClientIdList, ["sts.amazonaws.com"]);
        assert.equal(
            resources.GitHubOidcProvider.Properties.Url,
            "https://token.actions.githubusercontent.com",
        );
    });

    it("the plan role trusts only this repository's preview and plan jobs; the deploy role only production on main", async () => {
        const roles = memberRoles(await planBootstrap());
        const provider = `arn:aws:iam::${MEMBER}:oidc-provider/token.actions.githubusercontent.com`;
        for (const trust of [roles.planTrust, roles.deployTrust]) {
            for (const s of trust.Statement) assert.deepEqual(s.Principal, { Federated: provider });
        }
        const trusted = {
            plan: [
                subject("preview", "preview.yml", "refs/pull/42/merge", "pull_request"),
                subject("plan", "deploy.yml", "refs/heads/main", "push"),
                subject("plan", "deploy.yml", "refs/heads/main", "schedule"),
                subject("plan", "deploy.yml", "refs/heads/main", "workflow_dispatch"),
            ],
            deploy: ["push", "schedule", "workflow_dispatch"].map((e) =>
                subject("production", "deploy.yml", "refs/heads/main", e),
            ),
        };
        for (const s of trusted.plan) assert.ok(subjectTrusted(roles.planTrust, s), s);
        for (const s of trusted.deploy) assert.ok(subjectTrusted(roles.deployTrust, s), s);
        const strangers = [
            subject("production", "deploy.yml", "refs/heads/main", "push", "acme/grafana-athena-fork"),
            subject("production", "deploy.yml", "refs/heads/main", "push", "evil/grafana-athena"),
            subject("production", "deploy.yml", "refs/heads/feature", "push"),
            subject("production", "deploy.yml", "refs/pull/42/merge", "pull_request"),
            subject("production", "preview.yml", "refs/heads/main", "push"),
            subject("production", "other.yml", "refs/heads/main", "workflow_dispatch"),
            subject("preview", "deploy.yml", "refs/heads/main", "push"),
            subject("preview", "preview.yml", "refs/heads/main", "push"),
            subject("preview", "other.yml", "refs/pull/42/merge", "pull_request"),
            subject("preview", "preview.yml", "refs/pull/42/merge", "pull_request", "acme/other"),
            `repo:${REPOSITORY}:environment:production`,
            `repo:${REPOSITORY}:ref:refs/heads/main`,
            `repo:${REPOSITORY}:pull_request`,
        ];
        for (const s of strangers) {
            assert.ok(!subjectTrusted(roles.deployTrust, s), `deploy role trusts ${s}`);
            assert.ok(!subjectTrusted(roles.planTrust, s), `plan role trusts ${s}`);
        }
        for (const s of trusted.plan)
            assert.ok(!subjectTrusted(roles.deployTrust, s), `deploy role trusts the plan job ${s}`);
        assert.ok(
            !subjectTrusted(roles.deployTrust, trusted.deploy[0], "https://github.com/acme"),
            "another audience",
        );
    });

    it("npm run synth's summary prints every policy of the template, as it prints every other", async () => {
        const text = summary([(await planBootstrap()).plan]);
        for (const title of [
            "-- policy grafana-athena-ci-boundary (in every account of the StackSet)",
            "-- trust policy of role grafana-athena-ci-plan (in every account of the StackSet)",
            "-- policy grafana-athena-ci-plan-read of role grafana-athena-ci-plan",
            "-- trust policy of role grafana-athena-ci-deploy (in every account of the StackSet)",
            "-- policy grafana-athena-ci-deploy-manage of role grafana-athena-ci-deploy",
        ]) {
            assert.ok(text.includes(`\n${title}\n{`), title);
        }
        assert.match(
            text,
            /"iam:PermissionsBoundary": \{\n\s+"Fn::Sub": "arn:aws:iam::\$\{AWS::AccountId\}:policy\/grafana-athena-ci-boundary"/,
        );
    });

    it("refuses every bad setting in one line naming its key", async () => {
        const cases: [Record<string, unknown>, string[], RegExp][] = [
            [{}, [`${NS}:repository`], new RegExp(`^${NS}:repository: is required`)],
            [
                { [`${NS}:repository`]: "acme" },
                [],
                new RegExp(`^${NS}:repository: must be a GitHub repository owner/repo`),
            ],
            [
                { [`${NS}:repository`]: "acme/x:environment:production" },
                [],
                new RegExp(`^${NS}:repository: must be`),
            ],
            [
                { [`${NS}:organizationalUnitIds`]: ["ou-AB12-cdef3456"] },
                [],
                new RegExp(`^${NS}:organizationalUnitIds\\[0\\]: must be an organisational unit ID`),
            ],
            [
                { [`${NS}:organizationalUnitIds`]: [] },
                [],
                new RegExp(`^${NS}:organizationalUnitIds: must list at least one`),
            ],
            [
                { [`${NS}:organizationalUnitIds`]: ["ou-ab12-cdef3456", "ou-ab12-cdef3456"] },
                [],
                /lists an organisational unit twice/,
            ],
            [
                { [`${NS}:workgroupNames`]: ["*"] },
                [],
                new RegExp(
                    `^${NS}:workgroupNames\\[0\\]: must begin with at least 3 characters before any \\*`,
                ),
            ],
            [
                { [`${NS}:resultsBucketNames`]: ["*a*b*c*"] },
                [],
                new RegExp(`^${NS}:resultsBucketNames\\[0\\]: must begin with at least 3`),
            ],
            [
                { [`${NS}:resultsBucketNames`]: ["gr*"] },
                [],
                new RegExp(`^${NS}:resultsBucketNames\\[0\\]: must begin with at least 3`),
            ],
            [
                { [`${NS}:workgroupNames`]: ["gra?"] },
                [],
                new RegExp(`^${NS}:workgroupNames\\[0\\]: must be a workgroup name or pattern`),
            ],
            [
                { [`${NS}:resultsBucketNames`]: ["Bad_Bucket"] },
                [],
                new RegExp(`^${NS}:resultsBucketNames\\[0\\]: must be a bucket name or pattern`),
            ],
            [
                { [`${NS}:sourceRoleName`]: "OrganizationAccountAccessRole" },
                [],
                new RegExp(`^${NS}:sourceRoleName: must not be an administrator role`),
            ],
            [
                { [`${NS}:regions`]: ["cn-north-1"] },
                [],
                new RegExp(`^${NS}:regions\\[0\\]: is in aws-cn, but aws:region eu-west-1 is in aws`),
            ],
            [{}, [`${NS}:organizationId`], new RegExp(`^${NS}:organizationId: is required with stateBucket`)],
            [
                { [`${NS}:stateKmsKeyArn`]: "arn:aws:kms:eu-west-1:100000000001:alias/x" },
                [],
                new RegExp(`^${NS}:stateKmsKeyArn: must be`),
            ],
            [{ [`${NS}:workgroup`]: "grafana" }, [], new RegExp(`^${NS}:workgroup: is not a known setting`)],
            [
                { "grafana-athena-source:database": "sales" },
                [],
                /^grafana-athena-source:database: is a setting of the grafana-athena-source project/,
            ],
        ];
        const secret = await configProblems(BOOTSTRAP_DIR, { secretKeys: [`${NS}:repository`] });
        assert.equal(secret.length, 1);
        assert.match(secret[0], new RegExp(`^${NS}:repository: is a secret, but it is not a secret setting`));
        assert.ok(!secret[0].includes(REPOSITORY), "the value is not shown");
        for (const [set, unset, expected] of cases) {
            const problems = await configProblems(BOOTSTRAP_DIR, { set, unset });
            assert.equal(problems.length, 1, `${JSON.stringify(set)}: ${problems.join(" | ")}`);
            assert.match(problems[0], expected);
            assert.doesNotMatch(problems[0], /\n/);
        }
    });

    it("refuses a template beyond IAM's or CloudFormation's limits in one line, before deploying", async () => {
        const many = (prefix: string) =>
            Array.from({ length: 10 }, (_, i) => `${prefix}-${"x".repeat(40)}-${i}-*`);
        const message = await refusal(BOOTSTRAP_DIR, {
            set: {
                [`${NS}:workgroupNames`]: many("wg"),
                [`${NS}:resultsBucketNames`]: many("bucket"),
                [`${NS}:regions`]: [
                    "eu-west-1",
                    "eu-west-2",
                    "eu-west-3",
                    "eu-central-1",
                    "us-east-1",
                    "us-east-2",
                    "us-west-1",
                    "us-west-2",
                    "ap-southeast-1",
                    "ap-northeast-1",
                ],
            },
        });
        assert.match(
            message,
            /policy "grafana-athena-ci-(plan-read|deploy-manage|boundary)"|template is \d+ bytes/,
        );
        assert.match(message, /Use shorter names or fewer patterns and regions\./);
        assert.doesNotMatch(message, /\n\s+at /);
    });
});
