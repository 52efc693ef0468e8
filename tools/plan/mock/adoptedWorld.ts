/**
 * What an offline plan assumes of a workspace the stack adopts (`createWorkspace.adopt`): only AWS
 * knows the real one, so offline it is as the stack file says (its sign-in and version) and the
 * program's adoption check (shared/grafana/workspaceLifecycle.ts) has nothing to refuse; every
 * `pulumi preview` checks the stack file against the real workspace. A world a test gives wins.
 */
import { ROOT_NAMESPACE } from "../../../shared/config/root";
import { WORKSPACE_NAMESPACE } from "../../../shared/config/workspace";
import { createWorkspaceSettings } from "../../../shared/grafana/workspaceResource";
import type { MockWorld } from "./fakeCloud";

function parsed(text: string | undefined): unknown {
    if (text === undefined) return undefined;
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

/** `createWorkspace` of the workspace project, or of the root project's `workspace` object. */
function createWorkspaceOf(config: Record<string, string>): unknown {
    const own = parsed(config[`${WORKSPACE_NAMESPACE}:createWorkspace`]);
    if (own !== undefined) return own;
    const root = parsed(config[`${ROOT_NAMESPACE}:workspace`]);
    return typeof root === "object" && root !== null
        ? (root as Record<string, unknown>).createWorkspace
        : undefined;
}

/** `world`, with the adopted workspace as the stack file describes it unless `world` lists it. */
export function withAdoptedWorkspace(world: MockWorld, config: Record<string, string>): MockWorld {
    const settings = createWorkspaceSettings.safeParse(createWorkspaceOf(config));
    // A bad createWorkspace is the program's to refuse, naming the key.
    if (!settings.success || settings.data.adopt === undefined) return world;
    const id = settings.data.adopt;
    if (world.workspaces?.[id] !== undefined) return world;
    const assumed = {
        grafanaVersion: settings.data.grafanaVersion,
        authenticationProviders: [...settings.data.authentication],
    };
    return { ...world, workspaces: { ...world.workspaces, [id]: assumed } };
}
