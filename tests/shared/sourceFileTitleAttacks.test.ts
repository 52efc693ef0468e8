/**
 * Titles in the stack's folder an attacker's source stack chooses: its label (its dashboard's title)
 * and its own files' titles. Grafana keeps a title once per folder (a save of the same title takes
 * the other's place), and a title that reads as the program's own passes for it. Pure: the rules
 * the workspace applies to its set of sources (`chartedSetProblems`).
 */
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { chartedSetProblems } from "../../shared/chartRules";
import { sourceOutputs } from "../support/sourceOutputs";
import { REPO } from "../support/repo";

const EXAMPLE = JSON.parse(
    fs.readFileSync(path.join(REPO, "examples", "dashboards", "sales-overview.json"), "utf8"),
);
const SALES = "organization/grafana-athena-source/sales";
const SHOP = "organization/grafana-athena-source/shop";
const sales = sourceOutputs("222233334444", { label: "Sales", tables: ["orders"] });
const file = (title: string) => [{ file: "d.json", json: JSON.stringify({ ...EXAMPLE, title }) }];

describe("titles a source stack chooses in the stack's folder", () => {
    it("refuses a label that is the title of the workspace's file dashboard for another source", () => {
        // dashboard.files holds "Sales overview": its dashboard for Sales is "Sales overview (Sales)".
        for (const label of ["Sales overview (Sales)", "SALES OVERVIEW (Sales)", "Sales overview (Sаles)"]) {
            const shop = sourceOutputs("333344445555", { label, tables: ["orders"] });
            const problems = chartedSetProblems(
                [
                    { key: SALES, outputs: sales },
                    { key: SHOP, outputs: shop },
                ],
                [],
                "Athena",
                ["Sales overview"],
            );
            assert.deepEqual(
                problems.map((p) => p.split(", whose place")[0]),
                [
                    `source stack "${SHOP}": its name ${JSON.stringify(label)} looks like "Sales overview ` +
                        `(Sales)", the title of a dashboard of dashboard.files for "${SALES}" ` +
                        "in the stack's folder",
                ],
                label,
            );
        }
        // Its own file dashboard's title is its own to take: no other source is named so.
        const shop = sourceOutputs("333344445555", { label: "Shop", tables: ["orders"] });
        assert.deepEqual(
            chartedSetProblems(
                [
                    { key: SALES, outputs: sales },
                    { key: SHOP, outputs: shop },
                ],
                [],
                "Athena",
                ["Sales overview"],
            ),
            [],
        );
    });

    it("refuses a source's own file whose title reads as a team's fleet dashboard", () => {
        for (const title of ["Athena fleet: finance", "ATHENA FLEET: finance", "Athena fleet: x"]) {
            const shop = sourceOutputs("333344445555", {
                label: "Shop",
                tables: ["orders"],
                dashboardFiles: file(title),
            });
            assert.deepEqual(
                chartedSetProblems([{ key: SHOP, outputs: shop }], ["finance"], "Athena").map(
                    (p) => p.split(": its")[1],
                ),
                [
                    ` dashboard's title "${title} (Shop)" starts like "Athena fleet: ", ` +
                        "the titles of this workspace stack's own dashboards; retitle the file",
                ],
                title,
            );
        }
        const shop = sourceOutputs("333344445555", {
            label: "Shop",
            tables: ["orders"],
            dashboardFiles: file("Athena fleet notes"),
        });
        assert.deepEqual(chartedSetProblems([{ key: SHOP, outputs: shop }], ["finance"], "Athena"), []);
    });
});
