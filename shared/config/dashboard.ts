/**
 * The workspace's `dashboard` key (and the root project's `workspace.dashboard`): the folder, result
 * reuse, and what the dashboards show (panels, variables, dashboard files).
 */
import { z } from "zod";
import { RESULT_REUSE_MAX_MINUTES, RESULT_REUSE_MIN_MINUTES } from "../grafana/panelSpec";
import { unescapedVariableUses, variableUseAdvice, variableUseProblem } from "../grafana/variableUses";
import { dashboardFileList } from "./dashboardFiles";
import { panelList } from "./panels";
import * as r from "./rules";
import { VariableSettings, listVariables, unsafeVariables, variableList } from "./variables";

const DEFAULT_RESULT_REUSE_MINUTES = 60;
export const DEFAULT_FOLDER = "Athena";

export const dashboardSettings = z
    .object(
        {
            folder: r.displayName("a folder title").default(DEFAULT_FOLDER),
            resultReuseMinutes: r
                .integer(
                    "minutes Athena may reuse a query's result",
                    RESULT_REUSE_MIN_MINUTES,
                    RESULT_REUSE_MAX_MINUTES,
                )
                .default(DEFAULT_RESULT_REUSE_MINUTES),
            panels: panelList.optional(),
            variables: variableList.optional(),
            files: dashboardFileList.optional(),
        },
        { error: r.objectOf("{folder?, resultReuseMinutes?, panels?, variables?, files?}") },
    )
    .strict()
    .superRefine(fleetQueryVariableUses);

/**
 * On a fleet dashboard a query variable's values come from the data of the first source chosen,
 * and its panels and other variables run on every chosen source: a value pasted in as written
 * (`x') UNION SELECT ...`) would be one team's SQL in another team's chart. So `dashboard.panels`
 * and `dashboard.variables` use a query variable of `dashboard.variables` as `${name:sqlstring}`,
 * and a custom one whose values are not plain words, or of which several may be chosen, by the
 * rule of a source's own dashboard (`unescapedVariableUses`).
 */
function fleetQueryVariableUses(
    d: { panels?: readonly { sql: string }[]; variables?: readonly VariableSettings[] },
    ctx: z.RefinementCtx,
): void {
    const variables = d.variables ?? [];
    const unsafe = unsafeVariables(variables);
    const lists = listVariables(variables);
    if (unsafe.size === 0 && lists.size === 0) return;
    const query = new Set(variables.filter((v) => v.type === "query").map((v) => v.name.toLowerCase()));
    const check = (sql: string | undefined, path: (string | number)[]) => {
        for (const use of unescapedVariableUses(sql ?? "", new Set(unsafe.keys()), lists)) {
            const message = query.has(use.name.toLowerCase())
                ? `uses the query variable ${use.text} ${use.how}: on the fleet dashboards its values come ` +
                  "from a source's data and go unescaped into SQL that runs on every chosen " +
                  `source; ${variableUseAdvice(use)}`
                : variableUseProblem(use, unsafe.get(use.name));
            ctx.addIssue({ code: "custom", path, message });
        }
    };
    (d.panels ?? []).forEach((p, i) => check(p.sql, ["panels", i, "sql"]));
    (d.variables ?? []).forEach((v, i) =>
        check(v.type === "query" ? v.sql : undefined, ["variables", i, "sql"]),
    );
}
