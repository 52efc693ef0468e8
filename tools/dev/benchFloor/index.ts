/**
 * The floor of `npm run bench`: for every source, what the workspace program creates per source
 * (a stack reference, a data source, its health check, a dashboard) and nothing else, so that the
 * benchmark can tell the cost of the SDK and the mock runtime from the cost of the program.
 */
import * as pulumi from "@pulumi/pulumi";
import * as oss from "@pulumiverse/grafana/oss";
import { Provider as GrafanaProvider } from "@pulumiverse/grafana/provider";
import { DataSourceHealthCheck } from "../../../components/workspace/dataSourceHealthCheck";

const sources = new pulumi.Config().requireObject<string[]>("sources");
const provider = new GrafanaProvider("floor-grafana", {
    url: "https://grafana.invalid",
    auth: pulumi.secret("token"),
});

export const uids = sources.map((stack, i) => {
    const ref = new pulumi.StackReference(`source-${i}`, { name: stack });
    const label = ref.getOutput("label") as pulumi.Output<string>;
    const dataSource = new oss.DataSource(
        `datasource-${i}`,
        {
            type: "grafana-athena-datasource",
            name: label,
            uid: `ds-${i}`,
            jsonDataEncoded: pulumi.secret(
                pulumi.jsonStringify({ role: ref.getOutput("roleArn"), id: ref.getOutput("externalId") }),
            ),
        },
        { provider },
    );
    new DataSourceHealthCheck(`health-${i}`, {
        grafanaUrl: "https://grafana.invalid",
        token: pulumi.secret("token"),
        dataSourceUid: dataSource.uid,
        dataSourceName: dataSource.name,
        sourceStack: stack,
        dataSourceVersion: "1",
    });
    new oss.Dashboard(
        `dashboard-${i}`,
        { configJson: pulumi.jsonStringify({ uid: `d-${i}`, title: label, panels: [] }) },
        { provider },
    );
    return dataSource.uid;
});
