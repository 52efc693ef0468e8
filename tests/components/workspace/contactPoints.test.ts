/**
 * Where alerts go: the contact points the workspace stack creates, the workspace role's right to
 * publish to exactly their SNS topics (evaluated by the IAM evaluator, both ways), the secrets
 * kept secret in the plan, the notification policy routing each team's alerts to its contact
 * point, and every bad setting refused in one line naming the key.
 */
import assert from "node:assert/strict";
import { publishAlertsPolicy } from "../../../shared/policies/alertTopics";
import { contactPointSecretProblem } from "../../../shared/config/contactPoints";
import { offlineSecretStandIn } from "../../../shared/offlineSecret";
import type { PolicyJson } from "../../../shared/iam/policy";
import type { RunResult } from "../../../tools/plan/mock/runtime";
import { SECRET } from "../../../tools/plan/format";
import { decide } from "../../support/simulate";
import { WORKSPACE_DIR, byType, configProblems, refusal } from "../../support/program";
import {
    GRAFANA_ACCOUNT,
    PlannedSource,
    ROLE_POLICY_TYPE,
    planSource,
    planWorkspace,
    workspaceVariant,
    wsKey,
} from "../../support/workspaceSources";

const CONTACT_POINT = "grafana:alerting/contactPoint:ContactPoint";
const NOTIFICATION_POLICY = "grafana:alerting/notificationPolicy:NotificationPolicy";
const TOPIC = "arn:aws:sns:eu-west-1:111122223333:sales-alerts";
const OTHER_TOPIC = "arn:aws:sns:eu-west-1:111122223333:sales-alerts-2";
const SLACK_URL = "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX";
const PD_KEY = "0123456789abcdef0123456789abcdef";
const CONTACT_POINTS = [
    { name: "sales-oncall", type: "sns", topicArn: TOPIC },
    { name: "ops-slack", type: "slack", recipient: "#ops" },
    { name: "finance-pager", type: "pagerduty" },
];
const SECRETS = { "ops-slack": SLACK_URL, "finance-pager": PD_KEY };
const TEAMS = [
    { name: "sales-analysts", contactPoint: "sales-oncall" },
    { name: "ops", contactPoint: "ops-slack" },
    { name: "finance", contactPoint: "finance-pager" },
    { name: "quiet" },
];

async function publish(policy: PolicyJson, topic: string, action = "sns:Publish"): Promise<string> {
    return decide({
        identityPolicies: [policy],
        principal: `arn:aws:sts::${GRAFANA_ACCOUNT}:assumed-role/grafana-workspace-role/grafana`,
        action,
        resource: topic,
        resourceAccount: topic.split(":")[4],
    });
}

describe("contact points: the workspace role's right to publish", () => {
    it("allows sns:Publish on exactly the contact points' topics, and nothing else", async () => {
        const policy = publishAlertsPolicy([TOPIC]).toJSON();
        assert.equal(await publish(policy, TOPIC), "Allowed");
        assert.equal(await publish(policy, OTHER_TOPIC), "ImplicitlyDenied");
        assert.equal(
            await publish(policy, "arn:aws:sns:eu-west-1:444455556666:sales-alerts"),
            "ImplicitlyDenied",
        );
        assert.equal(await publish(policy, TOPIC, "sns:Subscribe"), "ImplicitlyDenied");
        assert.equal(await publish(policy, TOPIC, "sns:SetTopicAttributes"), "ImplicitlyDenied");
    });
});

describe("contact points: a Slack URL the offline plan cannot read", () => {
    it("lets the offline tools' stand-in for a secure value pass (pulumi up judges the real one)", () => {
        const standIn = offlineSecretStandIn("v1:AAAABBBBCCCC");
        assert.equal(contactPointSecretProblem("slack", standIn), undefined);
        assert.match(contactPointSecretProblem("slack", "offline-secret-x") ?? "", /is not a URL/);
        assert.match(contactPointSecretProblem("slack", `https://127.0.0.1/${standIn}`) ?? "", /private/);
    });
});

describe("contact points: the workspace planned with them", () => {
    let sales: PlannedSource;
    let hr: PlannedSource;
    let run: RunResult;
    const variant = (set: Record<string, unknown>) => ({
        set: {
            [wsKey("contactPoints")]: CONTACT_POINTS,
            [wsKey("contactPointSecrets")]: SECRETS,
            [wsKey("teams")]: TEAMS,
            ...set,
        },
        secretKeys: [wsKey("contactPointSecrets")],
    });

    before(async () => {
        sales = await planSource({
            stack: "organization/grafana-athena-source/sales",
            account: "222233334444",
            label: "Sales",
            teams: ["sales-analysts"],
        });
        hr = await planSource({
            stack: "organization/grafana-athena-source/hr",
            account: "444455556666",
            label: "HR",
        });
        run = await planWorkspace([sales], variant({}));
    });

    it("creates each contact point, SNS with the workspace role's credentials", () => {
        const cps = byType(run, CONTACT_POINT);
        assert.deepEqual(cps.map((c) => c.inputs.name).sort(), [
            "finance-pager",
            "ops-slack",
            "sales-oncall",
        ]);
        const sns = cps.find((c) => c.inputs.name === "sales-oncall")!;
        assert.deepEqual(sns.inputs.sns, [{ topic: TOPIC, authProvider: "default" }]);
    });

    it("keeps the Slack URL and the PagerDuty key secret: never in the plan in clear", () => {
        const text = JSON.stringify(run.plan);
        assert.ok(
            !text.includes(SLACK_URL) && !text.includes(PD_KEY),
            "a contact point secret is in the plan in clear",
        );
        assert.ok(text.includes(SECRET));
        const raw = JSON.stringify(run.rawInputs);
        assert.ok(raw.includes(SLACK_URL) && raw.includes(PD_KEY), "the secrets reach the contact points");
    });

    it("allows the workspace role sns:Publish on exactly the SNS topics, in its own inline policy", async () => {
        const policies = byType(run, ROLE_POLICY_TYPE).filter((p) =>
            String(p.inputs.name).startsWith("GrafanaAthenaPublishAlerts"),
        );
        assert.equal(policies.length, 1);
        const doc = JSON.parse(String(run.rawInputs[policies[0].name].policy)) as PolicyJson;
        assert.equal(await publish(doc, TOPIC), "Allowed");
        assert.equal(await publish(doc, OTHER_TOPIC), "ImplicitlyDenied");
    });

    it("routes each team's alerts (label team) to its contact point, in one notification policy", () => {
        const [policy, ...more] = byType(run, NOTIFICATION_POLICY);
        assert.equal(more.length, 0);
        assert.equal(policy.inputs.contactPoint, "grafana-default-email");
        const routes = (policy.inputs.policies as { contactPoint: string; matchers: unknown[] }[]).map(
            (p) => [p.contactPoint, p.matchers],
        );
        assert.deepEqual(routes, [
            ["sales-oncall", [{ label: "team", match: "=", value: "sales-analysts" }]],
            ["ops-slack", [{ label: "team", match: "=", value: "ops" }]],
            ["finance-pager", [{ label: "team", match: "=", value: "finance" }]],
        ]);
    });

    it("creates no notification policy and no publish policy when nothing asks for them", async () => {
        const bare = await planWorkspace([hr], {});
        assert.equal(byType(bare, NOTIFICATION_POLICY).length, 0);
        assert.equal(byType(bare, CONTACT_POINT).length, 0);
        assert.ok(
            !byType(bare, ROLE_POLICY_TYPE).some((p) =>
                String(p.inputs.name).startsWith("GrafanaAthenaPublishAlerts"),
            ),
        );
    });

    it("refuses every bad setting in one line naming the key, never showing a secret", async () => {
        const problems = (set: Record<string, unknown>) =>
            configProblems(WORKSPACE_DIR, workspaceVariant([sales], variant(set)));
        const one = async (set: Record<string, unknown>, key: string, pattern: RegExp) => {
            const ps = await problems(set);
            assert.equal(ps.length, 1, ps.join("\n"));
            assert.ok(ps[0].includes(`grafana-athena-workspace:${key}`), ps[0]);
            assert.match(ps[0], pattern);
            assert.ok(!ps[0].includes(SLACK_URL) && !ps[0].includes(PD_KEY) && !ps[0].includes("\n"));
        };
        await one(
            { [wsKey("teams")]: [{ name: "a", contactPoint: "nowhere" }] },
            "teams",
            /contact point "nowhere"/,
        );
        await one(
            { [wsKey("contactPointSecrets")]: { "ops-slack": SLACK_URL } },
            "contactPointSecrets",
            /no secret for the pagerduty contact point "finance-pager"/,
        );
        await one(
            { [wsKey("contactPointSecrets")]: { ...SECRETS, "sales-oncall": "x" } },
            "contactPointSecrets",
            /"sales-oncall".*SNS/,
        );
        await one(
            { [wsKey("contactPointSecrets")]: { ...SECRETS, ghost: "x" } },
            "contactPointSecrets",
            /holds a secret for key 3 of 3, which is no contact point of contactPoints/,
        );
        // A misspelt type is named as such, on the type.
        await one(
            {
                [wsKey("contactPoints")]: [
                    ...CONTACT_POINTS,
                    { name: "ops", type: "slak", recipient: "#ops" },
                ],
            },
            "contactPoints[3].type",
            /: must be one of sns, slack, pagerduty, webhook, got "slak"$/,
        );
        await one(
            { [wsKey("contactPoints")]: [...CONTACT_POINTS, { name: "ops", recipient: "#ops" }] },
            "contactPoints[3].type",
            /: is required: one of sns, slack, pagerduty, webhook$/,
        );
        // A secret set the wrong way round is a key: never shown, in any message.
        for (const swapped of [
            { "finance-pager": PD_KEY, [SLACK_URL]: "ops-slack" },
            { "finance-pager": PD_KEY, "ops-slack": SLACK_URL, [`${SLACK_URL}\u0000`]: 1 },
            { "finance-pager": PD_KEY, "ops-slack": SLACK_URL, [SLACK_URL.repeat(40)]: "x" },
        ]) {
            const ps = await problems({ [wsKey("contactPointSecrets")]: swapped });
            assert.ok(
                ps.length > 0 && ps.some((p) => /key \d of \d, which is no contact point/.test(p)),
                ps.join(),
            );
            assert.ok(!ps.join("\n").includes("hooks.slack.com"), ps.join("\n"));
        }
        await one(
            { [wsKey("contactPointSecrets")]: { ...SECRETS, "ops-slack": 42 } },
            "contactPointSecrets",
            /holds for "ops-slack" no text: a secret is a non-empty string/,
        );
        await one(
            {
                [wsKey("contactPoints")]: [
                    ...CONTACT_POINTS,
                    { name: "t", type: "sns", topicArn: "arn:aws:sns:eu-west-1:111122223333:*" },
                ],
            },
            "contactPoints",
            /SNS topic ARN/,
        );
        await one(
            { [wsKey("contactPoints")]: [...CONTACT_POINTS, CONTACT_POINTS[0]] },
            "contactPoints",
            /"sales-oncall" twice/,
        );
        // Look-alikes of one name: case, full-width letters, a Cyrillic о for a Latin o.
        for (const lookAlike of ["Sales-Oncall", "ｓａｌｅｓ-oncall", "sales-\u043encall"]) {
            await one(
                {
                    [wsKey("contactPoints")]: [
                        ...CONTACT_POINTS,
                        { name: lookAlike, type: "sns", topicArn: OTHER_TOPIC },
                    ],
                },
                "contactPoints",
                /contact points "sales-oncall" and ".*", which look alike/,
            );
        }
        // Grafana's default contact point, which gets every alert routed to no team: never joined.
        for (const taken of ["grafana-default-email", "Grafana-Default-Email", "grafana-default-emaіl"]) {
            await one(
                {
                    [wsKey("contactPoints")]: [
                        ...CONTACT_POINTS,
                        { name: taken, type: "webhook", url: "https://hooks.example.com" },
                    ],
                },
                "contactPoints",
                /names a contact point ".*", which is \(or looks like\) Grafana's default contact point grafana-default-email/,
            );
        }
        await one(
            {
                [wsKey("contactPoints")]: Array.from({ length: 201 }, (_, i) => ({
                    name: `t${i}`,
                    type: "sns",
                    topicArn: `${TOPIC}-${i}`,
                })),
            },
            "contactPoints",
            /lists 201 contact points, more than the 200 a workspace stack's teams can route to/,
        );
        await one(
            { [wsKey("contactPoints")]: [...CONTACT_POINTS, { name: "x", type: "email" }] },
            "contactPoints",
            /must be one of sns, slack, pagerduty, webhook, got "email"/,
        );
        const plain = await configProblems(
            WORKSPACE_DIR,
            workspaceVariant([sales], { ...variant({}), secretKeys: [] }),
        );
        assert.equal(plain.length, 1, plain.join("\n"));
        assert.match(plain[0], /contactPointSecrets: must be set as a secret/);
        assert.ok(!plain[0].includes(SLACK_URL));
    });

    it("keeps a webhook's bearer token secret and its URL readable; no token fields without one", async () => {
        const token = "webhook-bearer-token-0123456789";
        const hooks = await planWorkspace(
            [sales],
            variant({
                [wsKey("contactPoints")]: [
                    ...CONTACT_POINTS,
                    { name: "hook", type: "webhook", url: "https://hooks.example.com" },
                    { name: "open-hook", type: "webhook", url: "https://open.example.com" },
                ],
                [wsKey("contactPointSecrets")]: { ...SECRETS, hook: token },
            }),
        );
        assert.ok(!JSON.stringify(hooks.plan).includes(token), "the bearer token is in the plan in clear");
        const webhooks = Object.fromEntries(
            byType(hooks, CONTACT_POINT).map((c) => [c.inputs.name, c.inputs.webhooks]),
        );
        assert.deepEqual(webhooks["hook"], [
            {
                url: "https://hooks.example.com",
                authorizationScheme: "Bearer",
                authorizationCredentials: SECRET,
            },
        ]);
        assert.deepEqual(webhooks["open-hook"], [{ url: "https://open.example.com" }]);
        const raw = Object.values(hooks.rawInputs).find((i) => i.name === "hook")!;
        assert.equal(
            (raw.webhooks as { authorizationCredentials: string }[])[0].authorizationCredentials,
            token,
        );
    });

    it("refuses an SNS topic of another partition than the workspace role's, while planning", async () => {
        const topic = "arn:aws-cn:sns:cn-north-1:999999999999:sales-alerts";
        const message = await refusal(
            WORKSPACE_DIR,
            workspaceVariant(
                [sales],
                variant({
                    [wsKey("contactPoints")]: [
                        ...CONTACT_POINTS,
                        { name: "cn", type: "sns", topicArn: topic },
                    ],
                }),
            ),
        );
        assert.equal(
            message,
            `contactPoints names the SNS topic ${topic} of the aws-cn partition, but the workspace role ` +
                "is in aws: IAM refuses a policy naming it, and the role could not publish there",
        );
    });

    it("takes a webhook URL with a path, as the URL parser writes it; refuses a query, fragment, port or credentials, naming the key", async () => {
        const problems = (url: string) =>
            configProblems(
                WORKSPACE_DIR,
                workspaceVariant(
                    [sales],
                    variant({
                        [wsKey("contactPoints")]: [...CONTACT_POINTS, { name: "hook", type: "webhook", url }],
                    }),
                ),
            );
        const url = "https://alerts.example.com/hooks/grafana/v1";
        const planned = await planWorkspace(
            [sales],
            variant({
                [wsKey("contactPoints")]: [...CONTACT_POINTS, { name: "hook", type: "webhook", url }],
            }),
        );
        assert.deepEqual(
            byType(planned, CONTACT_POINT).flatMap((c) =>
                ((c.inputs.webhooks ?? []) as { url: string }[]).map((w) => w.url),
            ),
            [url],
        );
        for (const [bad, why] of [
            [
                "https://alerts.example.com/hooks?token=abc",
                /has a query: a token there would show in every plan/,
            ],
            ["https://alerts.example.com/hooks#x", /has a fragment/],
            ["https://alerts.example.com:8443/hooks", /names a port/],
            [
                "https://alerts.example.com/a/../hooks",
                /is not written as the URL it reaches \("https:\/\/alerts\.example\.com\/hooks"\)/,
            ],
            ["https://Alerts.example.com/hooks", /is not written as the URL it reaches/],
            ["https://alerts.example.com\\hooks", /is not written as the URL it reaches/],
            ["https://169.254.169.254/latest/meta-data", /private, loopback, link-local or reserved address/],
            ["http://alerts.example.com/hooks", /is not an https:\/\/ URL/],
        ] as const) {
            const ps = await problems(bad);
            assert.equal(ps.length, 1, `${bad}: ${ps.join("\n")}`);
            assert.match(ps[0], /^grafana-athena-workspace:contactPoints\[\d+\]\.url: /, ps[0]);
            assert.match(ps[0], why, ps[0]);
        }
        const [withToken] = await problems("https://alerts.example.com/hooks?token=t0k3n#s3cr3t");
        assert.match(withToken, /got "https:\/\/alerts\.example\.com\/hooks\?…"$/);
        assert.ok(!withToken.includes("t0k3n") && !withToken.includes("s3cr3t"), withToken);
        const [withCredentials] = await problems("https://user:s3cr3t@alerts.example.com/hooks");
        assert.match(withCredentials, /holds credentials before its host$/);
        assert.ok(!withCredentials.includes("s3cr3t"), withCredentials);
    });

    it("refuses a webhook or Slack URL inside the Grafana server's network, never showing a Slack URL", async () => {
        const problems = (set: Record<string, unknown>) =>
            configProblems(WORKSPACE_DIR, workspaceVariant([sales], variant(set)));
        // The URL parser's reading counts: 0x7f000001, 2130706433 and 127.1 are 127.0.0.1.
        for (const url of [
            "https://169.254.169.254",
            "https://169.254.170.2",
            "https://localhost",
            "https://grafana.localhost",
            "https://127.1",
            "https://0x7f000001",
            "https://2130706433",
            "https://10.0.0.5",
            "https://172.31.255.1",
            "https://192.168.1.1",
            "https://100.64.0.1",
            "https://0.0.0.0",
            "https://[::1]",
            "https://[::ffff:169.254.169.254]",
            "https://[fd00::1]",
            "https://[fe80::1]",
            "https://[64:ff9b::a9fe:a9fe]",
            "https://metadata",
            "https://ip-10-0-0-1.eu-west-1.compute.internal",
            "https://printer.local",
        ]) {
            const ps = await problems({
                [wsKey("contactPoints")]: [...CONTACT_POINTS, { name: "hook", type: "webhook", url }],
            });
            assert.equal(ps.length, 1, `${url}: ${ps.join("\n")}`);
            assert.match(
                ps[0],
                /grafana-athena-workspace:contactPoints.*(private, loopback, link-local or reserved address|host of a private network)/,
            );
        }
        const open = ["https://hooks.example.com", "https://8.8.8.8", "https://[2001:4860::8888]"];
        const planned = await planWorkspace(
            [sales],
            variant({
                [wsKey("contactPoints")]: [
                    ...CONTACT_POINTS,
                    ...open.map((url, i) => ({ name: `hook${i}`, type: "webhook", url })),
                ],
            }),
        );
        assert.deepEqual(
            byType(planned, CONTACT_POINT).flatMap((c) =>
                ((c.inputs.webhooks ?? []) as { url: string }[]).map((w) => w.url),
            ),
            open,
        );
        // A Slack URL is a secret: refused by the same rule, never shown.
        for (const url of [
            "http://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX",
            "https://169.254.169.254/latest/meta-data/iam/security-credentials/",
            "https://localhost:3000/api/admin/users",
            "https://user:pass@hooks.slack.com/services/T000",
            "xoxb-0000-not-a-url",
        ]) {
            const ps = await problems({ [wsKey("contactPointSecrets")]: { ...SECRETS, "ops-slack": url } });
            assert.equal(ps.length, 1, `${url}: ${ps.join("\n")}`);
            assert.match(ps[0], /contactPointSecrets.*holds for "ops-slack" a Slack webhook URL that/);
            assert.ok(!ps[0].includes(url) && !ps[0].includes("169.254") && !ps[0].includes("xoxb"), ps[0]);
        }
    });
});
