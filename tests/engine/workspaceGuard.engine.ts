/**
 * A workspace the stack creates or adopts (`createWorkspace`, components/workspace/managedWorkspace.ts)
 * with the real CLI and the stand-in AWS provider: a change that would replace it fails the preview
 * and the update (it is protected), a destroy fails on it, and the workspace stays as it was; an
 * adoption whose sign-in differs is refused in one line before anything runs. Unprotected on
 * purpose (`pulumi state unprotect`), a destroy deletes a created workspace and only forgets an
 * adopted one. A program of its own builds the component from `createWorkspace` as the workspace
 * programs do: the rest of a workspace stack (Grafana) plays no part here.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { WORKSPACE_TYPE } from "../support/createdWorkspace";
import { SOURCE_EXAMPLE } from "../support/examples";
import { EngineStack, EngineWorld } from "./support/world";

const ACCOUNT = SOURCE_EXAMPLE.dataAccount;
const REGION = SOURCE_EXAMPLE.region;
const FOLDER = "workspace-guard";
const ADOPTED = "g-0123456789";
const CREATE = { name: "observability", grafanaVersion: "12.4", authentication: ["AWS_SSO"] };

/** The component as the workspace programs make it, from `createWorkspace` checked by its schema. */
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { ManagedWorkspace } from "../components/workspace/managedWorkspace";
import { createWorkspaceSettings } from "../shared/grafana/workspaceResource";

// Without createWorkspace the program makes nothing: a stack file that takes the workspace out.
const given = new pulumi.Config().getObject("createWorkspace");
if (given !== undefined) {
    const settings = createWorkspaceSettings.parse(given);
    new ManagedWorkspace("grafana-athena-managed", {
        settings,
        account: "${ACCOUNT}",
        region: "${REGION}",
        partition: "aws",
        roleName: settings.roleName,
    });
}
`;

/** The workspace made by hand before the stack adopts it, as the cloud holds it. */
const EXISTING = {
    resources: {
        [WORKSPACE_TYPE]: {
            [ADOPTED]: {
                name: "made-by-hand",
                accountAccessType: "CURRENT_ACCOUNT",
                authenticationProviders: ["AWS_SSO"],
                permissionType: "SERVICE_MANAGED",
                grafanaVersion: "10.4",
                endpoint: `${ADOPTED}.grafana-workspace.${REGION}.amazonaws.com`,
                __account: ACCOUNT,
                __region: REGION,
            },
        },
    },
};

describe("the real Pulumi CLI: a created or adopted workspace is never replaced or deleted by surprise", function () {
    this.timeout(900_000);
    let world: EngineWorld;

    before(async () => {
        world = new EngineWorld({ source: ACCOUNT, workspace: ACCOUNT });
        await world.start(
            {
                workspaces: {
                    [ADOPTED]: { endpoint: "", grafanaVersion: "10.4", authenticationProviders: ["AWS_SSO"] },
                },
            },
            EXISTING,
        );
        const dir = path.join(world.repo.root, FOLDER);
        fs.mkdirSync(dir);
        fs.writeFileSync(
            path.join(dir, "Pulumi.yaml"),
            `name: ${FOLDER}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: index.ts\n`,
        );
        fs.writeFileSync(path.join(dir, "index.ts"), PROGRAM);
    });
    after(async () => {
        await world?.close();
    });

    /** The stack `name` with `createWorkspace` set to `create` (its stack file rewritten). */
    async function stackWith(name: string, create?: Record<string, unknown>): Promise<EngineStack> {
        const config = {
            "aws:region": REGION,
            ...(create ? { [`${FOLDER}:createWorkspace`]: create } : {}),
        };
        fs.writeFileSync(
            path.join(world.repo.root, FOLDER, `Pulumi.${name}.yaml`),
            YAML.stringify({ config }),
        );
        return world.stack(FOLDER, "workspace", name);
    }
    const workspaces = () => world.aws().resources[WORKSPACE_TYPE] ?? {};
    async function unprotect(stack: EngineStack, name: string): Promise<void> {
        const [urn] = [...(await stack.exported()).resources.values()]
            .filter((r) => r.type === WORKSPACE_TYPE)
            .map((r) => r.urn);
        await world.ok(FOLDER, "workspace", ["state", "unprotect", urn, "--yes", "--stack", name]);
    }

    it("refuses to replace, remove or destroy a created workspace until it is unprotected on purpose; then destroy deletes it", async () => {
        let stack = await stackWith("created", CREATE);
        await stack.up();
        const before = Object.keys(workspaces()).filter((id) => id !== ADOPTED);
        assert.equal(before.length, 1, "one workspace created");
        const [id] = before;

        stack = await stackWith("created", { ...CREATE, authentication: ["AWS_SSO", "SAML"] });
        const protectedReplace = /unable to replace resource .*\s+as it is currently marked for protection/;
        await assert.rejects(stack.preview(), protectedReplace);
        await assert.rejects(stack.up(), protectedReplace);
        assert.deepEqual(workspaces()[id].authenticationProviders, ["AWS_SSO"], "the workspace is untouched");
        assert.equal(Object.keys(workspaces()).length, 2, "no second workspace");

        // Taken out of the program (createWorkspace removed), or destroyed: refused, the workspace kept.
        const protectedDelete = /cannot be deleted\s+because it is protected/;
        stack = await stackWith("created");
        await assert.rejects(stack.up(), protectedDelete);
        stack = await stackWith("created", CREATE);
        await assert.rejects(stack.destroy(), protectedDelete);
        assert.ok(workspaces()[id], "destroy left the protected workspace");

        await unprotect(stack, "created");
        await stack.destroy();
        assert.equal(
            workspaces()[id],
            undefined,
            "unprotected on purpose, destroy deletes what the stack made",
        );
    });

    it("refuses an adoption whose sign-in differs in one line, adopts in place, and leaves the workspace standing even once unprotected", async () => {
        // A role of its own: nothing the other test left can decide this one.
        const adopting = { ...CREATE, roleName: "GrafanaAthenaAdopted", adopt: ADOPTED };
        let stack = await stackWith("adopted", { ...adopting, authentication: ["SAML"] });
        await assert.rejects(
            stack.preview(),
            /createWorkspace\.authentication: \[SAML\] is not the sign-in of the adopted workspace g-0123456789 \(\[AWS_SSO\]\)/,
        );
        assert.equal(workspaces()[ADOPTED].permissionType, "SERVICE_MANAGED", "nothing ran");

        stack = await stackWith("adopted", adopting);
        const { steps } = await stack.up();
        assert.deepEqual(steps.get("grafana-athena-managed-workspace"), ["import", "update"]);
        assert.equal(workspaces()[ADOPTED].permissionType, "CUSTOMER_MANAGED", "updated in place");
        assert.equal(workspaces()[ADOPTED].grafanaVersion, "12.4");

        await assert.rejects(stack.destroy(), /cannot be deleted\s+because it is protected/);
        await unprotect(stack, "adopted");
        await stack.destroy();
        assert.ok(workspaces()[ADOPTED], "the adopted workspace stays standing: only forgotten");
        assert.equal((await stack.exported()).resources.size, 0, "and nothing of it is left in the state");
    });
});
