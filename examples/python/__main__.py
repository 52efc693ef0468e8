"""The grafana-athena components from Python: one data account's Athena access for Grafana,
and the workspace's data source and dashboards charting it, in one stack."""

import pulumi
import pulumi_grafana_athena as grafana_athena

config = pulumi.Config()

sales = grafana_athena.AthenaSourceAccess(
    "sales",
    region="eu-west-1",
    grafana_account_id="111122223333",
    grafana_role_arn=config.require("grafanaRoleArn"),
    database="sales",
    tables=["orders", "customers"],
    data_locations=["s3://sales-data-222233334444/warehouse/"],
    workgroup=grafana_athena.WorkgroupArgs(name="grafana"),
    results=grafana_athena.ResultsLocationArgs(
        bucket="grafana-athena-query-results-222233334444",
        prefix="grafana/",
    ),
    label="Sales",
)

workspace = grafana_athena.AthenaWorkspace(
    "grafana",
    workspace_id=config.require("workspaceId"),
    sources=[
        grafana_athena.SourceArgs(
            key="sales",
            contract=grafana_athena.SourceContractArgs(
                contract_version=sales.contract_version,
                account_id=sales.account_id,
                region=sales.region,
                role_arn=sales.role_arn,
                external_id=sales.external_id,
                catalog=sales.catalog,
                database=sales.database,
                workgroup=sales.workgroup,
                output_location=sales.output_location,
                label=sales.label,
            ),
        ),
        # A data account deployed as its own stack of infra-account-b, read through a stack reference:
        grafana_athena.SourceArgs(stack="organization/grafana-athena-source/finance", name="Finance"),
    ],
    dashboard=grafana_athena.DashboardArgs(
        folder="Athena",
        result_reuse_minutes=120,
        panels=[
            grafana_athena.PanelArgs(
                type="timeseries",
                title="Orders per hour",
                sql="SELECT $__timeGroup(ordered_at, '1h') AS time, count(*) AS orders "
                "FROM orders WHERE $__timeFilter(ordered_at) GROUP BY 1 ORDER BY 1",
            ),
        ],
    ),
)

pulumi.export("roleArn", sales.role_arn)
pulumi.export("dashboardUrls", workspace.dashboard_urls)
