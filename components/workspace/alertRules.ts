/**
 * The alert rules in Grafana: one `alerting.RuleGroup` per folder that holds rules, each team's
 * in that team's folder (which only that team may view: teams.ts), the rules of a workspace
 * without teams in the stack's folder. The rules were planned and checked with every other
 * refusal (validate.ts, shared/grafana/alertPlan.ts); here they become resources.
 */
import * as pulumi from "@pulumi/pulumi";
import * as alerting from "@pulumiverse/grafana/alerting";
import type * as oss from "@pulumiverse/grafana/oss";
import type { PublicSourceOutputs } from "../../shared/contract";
import { PlannedRule, rulesByFolder } from "../../shared/grafana/alertPlan";
import { ALERT_INTERVAL_SECONDS } from "../../shared/config/alerts";
import { RULE_GROUP_NAME, grafanaRule } from "../../shared/grafana/alertRules";
import { childName } from "../../shared/naming";
import { TEAM_LABEL } from "./alerting";
import type { GrafanaAccess, SourceDataSource } from "./parts";

/** The folders rules may go to: each team's, and the stack's own (for a workspace without teams). */
interface AlertFolders {
    shared: oss.Folder;
    byTeam: ReadonlyMap<string, oss.Folder>;
}

/**
 * The rule groups. Which folders hold rules is known once the sources' outputs are (a source's
 * own alerts and its team come with them), and Grafana refuses a group without rules (its
 * provisioning API and the provider's `rule` block: at least one), so the groups are declared
 * when the plan of rules resolves: in a preview and in the offline plan that is before anything
 * is created, as the sources' outputs are read from their stacks.
 */
export function addAlertRules(
    parent: pulumi.ComponentResource,
    name: string,
    planned: pulumi.Output<PlannedRule[]>,
    all: pulumi.Output<PublicSourceOutputs[]>,
    dataSources: readonly SourceDataSource[],
    folders: AlertFolders,
    access: GrafanaAccess,
): pulumi.Output<alerting.RuleGroup[]> {
    const index = new Map(dataSources.map((d, i) => [d.source.key, i]));
    return pulumi.all([planned, all]).apply(([rules, outputs]) =>
        [...rulesByFolder(rules)].map(([team, group]) => {
            const folder = team === undefined ? folders.shared : folders.byTeam.get(team)!;
            const used = [...new Set(group.map((r) => index.get(r.sourceKey)!))];
            return new alerting.RuleGroup(
                team === undefined ? `${name}-alert-rules` : childName(`${name}-alert-rules-team`, team),
                {
                    name: RULE_GROUP_NAME,
                    folderUid: folder.uid,
                    intervalSeconds: ALERT_INTERVAL_SECONDS,
                    rules: group.map((rule) => {
                        const i = index.get(rule.sourceKey)!;
                        const o = outputs[i];
                        return grafanaRule(
                            rule,
                            {
                                dataSourceUid: dataSources[i].uid,
                                region: o.region,
                                catalog: o.catalog,
                                database: o.database,
                            },
                            TEAM_LABEL,
                        );
                    }),
                },
                {
                    parent,
                    provider: access.provider,
                    dependsOn: [folder, ...used.map((i) => dataSources[i].dataSource)],
                },
            );
        }),
    );
}
