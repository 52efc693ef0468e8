/**
 * The mutations of tests/support/fleetMutations.ts's fleets: each one plausible mistake or attack
 * on a source, workspace or root stack file (a few harmless, which both commands must pass).
 */
import {
    GRAFANA_ACCOUNT,
    Mutation,
    OTHER_ACCOUNT,
    ROOT,
    SRC,
    WS,
    obj,
    onRoot,
    onSource,
    onWorkspace,
    panel,
    sqlAlert,
} from "./fleetMutations";

export const FLEETS: readonly Mutation[] = [
    // Harmless: both pass.
    onSource("a label of its own", (s) => (s[SRC("label")] = "Sales (renamed)")),
    onSource("every table granted", (s) => (s[SRC("tables")] = ["*"])),
    onWorkspace("panels on granted tables", (w) => {
        w[WS("dashboard")] = {
            ...obj(w[WS("dashboard")]),
            panels: [panel("Count", "SELECT count(*) FROM orders")],
        };
    }),
    // A source's own keys.
    onSource("a table name that is no Glue name", (s) => (s[SRC("tables")] = ["Orders-2024"])),
    onSource("a role name past 64 characters", (s) => (s[SRC("roleName")] = `R${"x".repeat(64)}`)),
    onSource("a panel reading a table it does not grant", (s) => {
        s[SRC("panels")] = [panel("Payroll", "SELECT sum(amount) FROM payroll")];
    }),
    onSource("a query variable reading a table it does not grant", (s) => {
        s[SRC("variables")] = [{ name: "who", type: "query", sql: "SELECT name FROM payroll" }];
    }),
    onSource("a custom variable pasted unquoted into its SQL", (s) => {
        s[SRC("variables")] = [{ name: "region", type: "custom", values: ["eu", "us"] }];
        s[SRC("panels")] = [panel("By region", "SELECT count(*) FROM orders WHERE region = $region")];
    }),
    onSource("an alert reading a table it does not grant", (s) => {
        s[SRC("alerts")] = [sqlAlert("payroll", "SELECT count(*) FROM payroll")];
    }),
    onSource("an alert for a team of no workspace", (s) => {
        s[SRC("alerts")] = [sqlAlert("orders", "SELECT count(*) FROM orders", { team: "ghosts" })];
    }),
    onSource("a team the workspace does not define", (s) => (s[SRC("teams")] = ["analysts"])),
    onSource("the label of another source", (s, fleet) => {
        s[SRC("label")] = fleet.sources.find((o) => o !== s)![SRC("label")];
    }),
    onSource("a label passing for the fleet dashboard", (s) => (s[SRC("label")] = "Athena fleet")),
    onSource("the account and workgroup of another source", (s, fleet) => {
        const other = fleet.sources.find((o) => o !== s)!;
        s["aws:allowedAccountIds"] = other["aws:allowedAccountIds"];
        s["aws:region"] = other["aws:region"];
    }),
    onSource("trusting another Grafana account", (s) => {
        s[SRC("grafanaAccountId")] = OTHER_ACCOUNT;
        s[SRC("grafanaRoleArn")] =
            `arn:aws:iam::${OTHER_ACCOUNT}:role/service-role/AmazonGrafanaServiceRole-1`;
    }),
    onSource("a Grafana role of another account than grafanaAccountId", (s) => {
        s[SRC("grafanaRoleArn")] =
            `arn:aws:iam::${OTHER_ACCOUNT}:role/service-role/AmazonGrafanaServiceRole-1`;
    }),
    onSource(
        // Its own and one no other stack names: which of them it deploys into only the cloud says.
        "pinned to two accounts",
        (s) => (s["aws:allowedAccountIds"] = [...(s["aws:allowedAccountIds"] as string[]), "222233339999"]),
    ),
    onSource("no account pinned", (s) => delete s["aws:allowedAccountIds"]),
    onSource("a dashboard file reading a table it does not grant", (s) => {
        s[SRC("tables")] = ["customers"];
        s[SRC("panels")] = [panel("Customers", "SELECT count(*) FROM customers")];
        s[SRC("dashboardFiles")] = ["dashboards/sales-overview.json"];
    }),
    onSource(
        "a dashboard file that does not exist",
        (s) => (s[SRC("dashboardFiles")] = ["dashboards/none.json"]),
    ),
    onSource("a dashboard file outside its folder", (s) => (s[SRC("dashboardFiles")] = ["../package.json"])),
    onSource(
        "a dashboard file of its own",
        (s) => (s[SRC("dashboardFiles")] = ["dashboards/sales-overview.json"]),
    ),
    onSource("managed query results", (s) => (s[SRC("results")] = { managed: true })),
    onSource("only customers granted (the workspace's panels read orders)", (s) => {
        s[SRC("tables")] = ["customers"];
        s[SRC("panels")] = [panel("Customers", "SELECT count(*) FROM customers")];
    }),
    onSource("hundreds of tables", (s) => {
        s[SRC("tables")] = Array.from({ length: 400 }, (_, i) => `table_with_a_long_name_number_${i}`);
        delete s[SRC("panels")];
    }),
    // The workspace's keys and its rules over the sources.
    onWorkspace("a panel reading a table no source grants", (w) => {
        w[WS("dashboard")] = {
            ...obj(w[WS("dashboard")]),
            panels: [panel("Payroll", "SELECT 1 FROM payroll")],
        };
    }),
    onWorkspace("a query variable reading a table no source grants", (w) => {
        const variables = [{ name: "who", type: "query", sql: "SELECT name FROM payroll" }];
        w[WS("dashboard")] = { ...obj(w[WS("dashboard")]), variables };
    }),
    onWorkspace("a custom variable pasted unquoted into a panel", (w) => {
        w[WS("dashboard")] = {
            ...obj(w[WS("dashboard")]),
            variables: [{ name: "region", type: "custom", values: ["eu", "us"] }],
            panels: [panel("By region", "SELECT count(*) FROM orders WHERE region = $region")],
        };
    }),
    onWorkspace("a dashboard file reading orders (one source grants only customers)", (w, fleet) => {
        fleet.sources[0][SRC("tables")] = ["customers"];
        fleet.sources[0][SRC("panels")] = [panel("Customers", "SELECT count(*) FROM customers")];
        w[WS("dashboard")] = { ...obj(w[WS("dashboard")]), files: ["dashboards/sales-overview.json"] };
    }),
    onWorkspace("a dashboard file of its own", (w) => {
        w[WS("dashboard")] = { ...obj(w[WS("dashboard")]), files: ["dashboards/sales-overview.json"] };
    }),
    onWorkspace("listing a source with no stack file", (w) => {
        w[WS("sources")] = [{ stack: "organization/grafana-athena-source/nowhere" }];
    }),
    onWorkspace("listing one source twice under two names", (w, fleet) => {
        const stack = `organization/grafana-athena-source/${String(fleet.sources[0].stack)}`;
        w[WS("sources")] = [
            { stack, name: "One" },
            { stack, name: "Two" },
        ];
    }),
    onWorkspace("two sources under one name", (w, fleet) => {
        w[WS("sources")] = fleet.sources.map((s) => ({
            stack: `organization/grafana-athena-source/${String(s.stack)}`,
            name: "Sales",
        }));
    }),
    onWorkspace("a source's own panels reading a table it does not grant", (w, fleet) => {
        w[WS("sources")] = fleet.sources.map((s, i) => ({
            stack: `organization/grafana-athena-source/${String(s.stack)}`,
            ...(i === 0 ? { panels: [panel("Payroll", "SELECT 1 FROM payroll")] } : {}),
        }));
    }),
    onWorkspace("an alert on a source it does not chart", (w) => {
        w[WS("alerts")] = [
            sqlAlert("orders", "SELECT count(*) FROM orders", {
                source: "organization/grafana-athena-source/nowhere",
            }),
        ];
    }),
    onWorkspace("an alert reading a table no source grants", (w) => {
        w[WS("alerts")] = [sqlAlert("payroll", "SELECT count(*) FROM payroll", { source: "*" })];
    }),
    onWorkspace("more alert rules than its quota", (w) => {
        w[WS("alerts")] = [sqlAlert("orders", "SELECT count(*) FROM orders", { source: "*" })];
        w[WS("alertRuleQuota")] = 1;
    }),
    onWorkspace("an alert for a team it does not define", (w) => {
        w[WS("alerts")] = [
            sqlAlert("orders", "SELECT count(*) FROM orders", { source: "*", team: "ghosts" }),
        ];
    }),
    onWorkspace("a team whose sources name none", (w, fleet) => {
        w[WS("teams")] = [{ name: "analysts" }];
        fleet.sources[0][SRC("teams")] = ["analysts"];
    }),
    onWorkspace("a slack contact point without its secret", (w) => {
        w[WS("contactPoints")] = [{ name: "oncall", type: "slack" }];
    }),
    onWorkspace("a workspace account its sources do not trust", (w) => {
        w["aws:allowedAccountIds"] = [OTHER_ACCOUNT];
    }),
    onWorkspace("creating its workspace with a role the sources do not trust", (w) => {
        delete w[WS("workspaceId")];
        w[WS("createWorkspace")] = { name: "observability" };
    }),
    onWorkspace("creating its workspace with the role the sources trust", (w, fleet) => {
        delete w[WS("workspaceId")];
        w[WS("createWorkspace")] = { name: "observability", roleName: "GrafanaAthena" };
        for (const s of fleet.sources)
            s[SRC("grafanaRoleArn")] = `arn:aws:iam::${GRAFANA_ACCOUNT}:role/GrafanaAthena`;
    }),
    onWorkspace("creating its workspace and naming one", (w) => {
        w[WS("createWorkspace")] = { name: "observability" };
    }),
    onWorkspace("adopting a workspace", (w, fleet) => {
        delete w[WS("workspaceId")];
        w[WS("createWorkspace")] = { name: "observability", adopt: "g-0123456789" };
        for (const s of fleet.sources)
            s[SRC("grafanaRoleArn")] = `arn:aws:iam::${GRAFANA_ACCOUNT}:role/GrafanaAthenaWorkspace`;
    }),
    onWorkspace("organisation mode, a source role of another name", (w, fleet) => {
        w[WS("organizationId")] = "o-a1b2c3d4e5";
        w[WS("sourceRoleName")] = "AmazonManagedGrafana-CrossAccountAthena";
        fleet.sources[0][SRC("roleName")] = "GrafanaAthenaReader";
    }),
    onWorkspace("a sibling on the same workspace with the same folder", (w, fleet) => {
        fleet.sibling = {
            ...w,
            [WS("sources")]: [
                {
                    stack: `organization/grafana-athena-source/${String(fleet.sources[0].stack)}`,
                    name: "Sibling",
                },
            ],
        };
    }),
    onWorkspace("a sibling on the same workspace creating the same team", (w, fleet) => {
        const stack = `organization/grafana-athena-source/${String(fleet.sources[0].stack)}`;
        w[WS("teams")] = [{ name: "analysts" }];
        fleet.sibling = {
            ...w,
            [WS("dashboard")]: { folder: "BI" },
            [WS("sources")]: [{ stack, name: "Sibling" }],
        };
    }),
    onWorkspace("a team's contact point that is not defined", (w, fleet) => {
        w[WS("teams")] = [{ name: "analysts", contactPoint: "nowhere" }];
        fleet.sources[0][SRC("teams")] = ["analysts"];
    }),
    onWorkspace("an alert for a team that may not query the source", (w, fleet) => {
        w[WS("teams")] = [{ name: "analysts" }, { name: "finance" }];
        for (const s of fleet.sources) s[SRC("teams")] = ["analysts"];
        w[WS("alerts")] = [
            sqlAlert("orders", "SELECT count(*) FROM orders", { source: "*", team: "finance" }),
        ];
    }),
    onWorkspace("the sources' own alerts past the default quota", (w, fleet) => {
        for (const s of fleet.sources)
            s[SRC("alerts")] = Array.from({ length: 60 }, (_, i) =>
                sqlAlert(`orders-${i}`, "SELECT count(*) FROM orders"),
            );
    }),
    onWorkspace("a data source name that is another source's label", (w, fleet) => {
        w[WS("sources")] = fleet.sources.map((s, i) => ({
            stack: `organization/grafana-athena-source/${String(s.stack)}`,
            ...(i === 0 ? { name: fleet.sources[1][SRC("label")] } : {}),
        }));
    }),
    onWorkspace("a sibling on the same workspace giving a source the same data source name", (w, fleet) => {
        const stack = `organization/grafana-athena-source/${String(fleet.sources[0].stack)}`;
        fleet.sibling = { ...w, [WS("dashboard")]: { folder: "BI" }, [WS("sources")]: [{ stack }] };
    }),
    onWorkspace("creating a 10.4 workspace with a dashboard file", (w, fleet) => {
        delete w[WS("workspaceId")];
        w[WS("createWorkspace")] = {
            name: "observability",
            grafanaVersion: "10.4",
            roleName: "GrafanaAthena",
        };
        w[WS("dashboard")] = { ...obj(w[WS("dashboard")]), files: ["dashboards/sales-overview.json"] };
        for (const s of fleet.sources)
            s[SRC("grafanaRoleArn")] = `arn:aws:iam::${GRAFANA_ACCOUNT}:role/GrafanaAthena`;
    }),
    onWorkspace("a dashboard file and a source whose label is its title", (w, fleet) => {
        w[WS("dashboard")] = { ...obj(w[WS("dashboard")]), files: ["dashboards/sales-overview.json"] };
        fleet.sources[0][SRC("label")] = "Sales overview";
    }),
    onWorkspace("organisation mode listing its sources", (w, fleet) => {
        w[WS("organizationId")] = "o-a1b2c3d4e5";
        w[WS("sourceRoleName")] = "AmazonManagedGrafana-CrossAccountAthena";
        w[WS("sources")] = fleet.sources.map((s) => ({
            stack: `organization/grafana-athena-source/${String(s.stack)}`,
        }));
    }),
    onSource("a dashboard file whose title is a workspace dashboard's", (s) => {
        s[SRC("dashboardFiles")] = ["dashboards/sales-overview.json"];
        s[SRC("label")] = "Sales overview";
    }),
    onSource("a look-alike of another source's label", (s, fleet) => {
        const other = String(fleet.sources.find((o) => o !== s)![SRC("label")]);
        s[SRC("label")] = other.replace("a", "\u0430");
    }),
    onSource("a KMS key of another partition", (s) => {
        s[SRC("kmsKeyArns")] = [
            "arn:aws-cn:kms:cn-north-1:222233334444:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        ];
    }),
    onSource("an alert for a team it may not query with", (s, fleet) => {
        fleet.workspace[WS("teams")] = [{ name: "analysts" }, { name: "finance" }];
        s[SRC("teams")] = ["analysts"];
        s[SRC("alerts")] = [sqlAlert("orders", "SELECT count(*) FROM orders", { team: "finance" })];
    }),
    onRoot("a workspace dashboard file reading a table the source does not grant", (r) => {
        r[ROOT("source")] = { ...obj(r[ROOT("source")]), tables: ["customers"] };
        r[ROOT("workspace")] = {
            ...obj(r[ROOT("workspace")]),
            dashboard: { folder: "Athena", files: ["dashboards/sales-overview.json"] },
        };
    }),
    onRoot("a source label passing for the home dashboard", (r) => {
        r[ROOT("source")] = { ...obj(r[ROOT("source")]), label: "Athena" };
    }),
    onRoot("a source dashboard file of its own", (r) => {
        r[ROOT("source")] = { ...obj(r[ROOT("source")]), dashboardFiles: ["dashboards/sales-overview.json"] };
    }),
    onRoot("creating its workspace", (r) => {
        const { workspaceId: _id, ...workspace } = obj(r[ROOT("workspace")]);
        const { grafanaRoleArn: _role, ...source } = obj(r[ROOT("source")]);
        r[ROOT("workspace")] = { ...workspace, createWorkspace: { name: "observability" } };
        r[ROOT("source")] = source;
    }),
    // The root stack: both halves in one.
    onRoot("a table name that is no Glue name", (r) => {
        r[ROOT("source")] = { ...obj(r[ROOT("source")]), tables: ["Orders-2024"] };
    }),
    onRoot("a workspace panel reading a table the source does not grant", (r) => {
        const workspace = obj(r[ROOT("workspace")]);
        workspace.dashboard = { folder: "Athena", panels: [panel("Payroll", "SELECT 1 FROM payroll")] };
        r[ROOT("workspace")] = workspace;
    }),
    onRoot("a source team the workspace does not define", (r) => {
        r[ROOT("source")] = { ...obj(r[ROOT("source")]), teams: ["analysts"] };
    }),
    onRoot("an alert reading a table the source does not grant", (r) => {
        r[ROOT("workspace")] = {
            ...obj(r[ROOT("workspace")]),
            alerts: [sqlAlert("payroll", "SELECT count(*) FROM payroll", { source: "*" })],
        };
    }),
    onWorkspace("SNS contact points past the publish policy's size", (w) => {
        w[WS("contactPoints")] = Array.from({ length: 60 }, (_, i) => ({
            name: `topic-${i}`,
            type: "sns",
            topicArn: `arn:aws:sns:eu-west-1:${GRAFANA_ACCOUNT}:${"t".repeat(240)}-${i}`,
        }));
    }),
    onWorkspace("no source stack file to chart", (_w, fleet) => {
        fleet.sources.splice(0);
    }),
    onSource("data locations past the access policy's size", (s) => {
        s[SRC("dataLocations")] = Array.from(
            { length: 200 },
            (_, i) => `s3://example-sales-data-222233334444/${"p".repeat(60)}/${i}/`,
        );
    }),
    onRoot("SNS contact points past the publish policy's size", (r) => {
        r[ROOT("workspace")] = {
            ...obj(r[ROOT("workspace")]),
            contactPoints: Array.from({ length: 60 }, (_, i) => ({
                name: `topic-${i}`,
                type: "sns",
                topicArn: `arn:aws:sns:eu-west-1:${GRAFANA_ACCOUNT}:${"t".repeat(240)}-${i}`,
            })),
        };
    }),
    onSource("panels whose SQL together is past what a source may bring", (s) => {
        const sql = `SELECT count(*) FROM orders WHERE ${Array(240).fill("1 = 1").join(" AND ")}`;
        s[SRC("panels")] = Array.from({ length: 50 }, (_, i) => panel(`Orders ${i}`, sql));
    }),
    onRoot("source panels whose SQL together is past what a source may bring", (r) => {
        const sql = `SELECT count(*) FROM orders WHERE ${Array(240).fill("1 = 1").join(" AND ")}`;
        r[ROOT("source")] = {
            ...obj(r[ROOT("source")]),
            panels: Array.from({ length: 50 }, (_, i) => panel(`Orders ${i}`, sql)),
        };
    }),
    onWorkspace("a dashboard file no Grafana schema accepts", (w) => {
        w[WS("dashboard")] = { ...obj(w[WS("dashboard")]), files: ["dashboards/hand-edited.json"] };
    }),
    onSource("a dashboard file no Grafana schema accepts", (s) => {
        s[SRC("dashboardFiles")] = ["dashboards/hand-edited.json"];
    }),
    onRoot("a workspace dashboard file no Grafana schema accepts", (r) => {
        r[ROOT("workspace")] = {
            ...obj(r[ROOT("workspace")]),
            dashboard: { folder: "Athena", files: ["dashboards/hand-edited.json"] },
        };
    }),
    onRoot("a source dashboard file no Grafana schema accepts", (r) => {
        r[ROOT("source")] = { ...obj(r[ROOT("source")]), dashboardFiles: ["dashboards/hand-edited.json"] };
    }),
];
