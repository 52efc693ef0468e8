/**
 * `fleet check` refuses every set of stack files `fleet synth` refuses, differentially: small fleets
 * (a workspace stack, two or three sources, sometimes a root stack) made from the example stack files,
 * each with one mistake or attack a user or a pull request could make (a seeded generator: the same
 * fleets every run), are given to both commands in process. Whenever synth refuses a stack file, check
 * refused that file too (or the source stack file a refused workspace reads), each line naming the file
 * and the key. Synth runs only where check passes (a set check refuses costs only the check), so
 * the fleets a mutation leaves consistent are planned in full.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { checkInventory } from "../../../tools/ci/fleet/check";
import { synthFleet } from "../../../tools/ci/fleet/synth";
import { selectStacks } from "../../../tools/ci/fleet/synthSelect";
import { REPO } from "../../support/repo";
import { RepositoryCopy, copyRepository, exampleStackConfig } from "../../support/repository";
import { Fleet, fleetFiles, makeFleet } from "../../support/fleetMutations";
import { FLEETS } from "../../support/fleetMutationList";

/** How many fleets each run checks (the seeds 1..FLEET_COUNT): each mutation alone, then a few pairs. */
const FLEET_COUNT = FLEETS.length + 4;

describe("fleet check and fleet synth, differentially: every set synth refuses, check refuses", function () {
    this.timeout(120_000);
    let repo: RepositoryCopy;
    let written: string[] = [];
    const write = (fleet: Fleet) => {
        for (const f of written.splice(0)) fs.rmSync(f, { force: true });
        written = fleetFiles(fleet).map((s) => repo.writeStack(s.folder, s.stack, s.config));
    };
    before(() => {
        repo = copyRepository();
        const dashboard = fs.readFileSync(
            path.join(REPO, "examples", "dashboards", "sales-overview.json"),
            "utf8",
        );
        // The same export edited by hand: a panel's height is no number, which no Grafana schema accepts.
        const edited = JSON.parse(dashboard) as { panels: { gridPos: Record<string, unknown> }[] };
        edited.panels[0].gridPos.h = "eight";
        for (const dir of [repo.root, repo.sourceDir, repo.workspaceDir]) {
            fs.mkdirSync(path.join(dir, "dashboards"), { recursive: true });
            fs.writeFileSync(path.join(dir, "dashboards", "sales-overview.json"), dashboard);
            fs.writeFileSync(path.join(dir, "dashboards", "hand-edited.json"), JSON.stringify(edited));
        }
    });
    after(() => repo.remove());

    it("the unmutated fleet passes both", async () => {
        write(makeFleet(0, exampleStackConfig, []));
        assert.deepEqual(checkInventory(repo.root, "organization"), []);
        const out = path.join(repo.root, "out");
        const outcomes = await synthFleet(repo.root, "organization", selectAll(repo.root), out);
        assert.deepEqual(
            outcomes.filter((o) => o.refused).map((o) => o.refused),
            [],
        );
    });

    for (let seed = 1; seed <= FLEET_COUNT; seed++) {
        it(`fleet ${seed}`, async () => {
            const fleet = makeFleet(seed, exampleStackConfig, FLEETS);
            write(fleet);
            const what = `fleet ${seed} (${fleet.mutations.join(", ")})`;
            const problems = checkInventory(repo.root, "organization");
            for (const line of problems)
                assert.match(
                    line,
                    /^((infra-account-[ab])\/)?Pulumi\.[\w-]+\.yaml: (grafana-athena(-source|-workspace)?|aws):[\w.[\]]+: \S/,
                    `${what}: one line naming the file and the key`,
                );
            if (problems.length > 0) return;
            const out = path.join(repo.root, "out");
            fs.rmSync(out, { recursive: true, force: true });
            const outcomes = await synthFleet(repo.root, "organization", selectAll(repo.root), out);
            for (const o of outcomes) {
                if (o.refused === undefined) continue;
                const file = path.relative(repo.root, o.stack.file);
                // A workspace refused for a source that was refused: check names that source's file.
                const read = [...o.refused.matchAll(/reads the source (\S+), which was refused/g)].map(
                    (m) => m[1],
                );
                const named = problems.some((p) => [file, ...read].some((f) => p.startsWith(`${f}: `)));
                assert.ok(
                    named,
                    `${what}: fleet synth refuses ${file}: ${o.refused}\nbut fleet check ` +
                        (problems.length === 0
                            ? "calls it consistent"
                            : `says only:\n${problems.join("\n")}`),
                );
            }
        });
    }
});

/** Every real stack of the copy (the examples are not the fleet's). */
function selectAll(root: string) {
    return selectStacks(root, "organization", { examples: "exclude" });
}
