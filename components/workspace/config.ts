import * as pulumi from "@pulumi/pulumi";
import { ConfigError, awsRegion, orRunError, readSettings, withSecretGrafanaAuth } from "../../shared/config/read";
import { WORKSPACE_KEY_KINDS, WORKSPACE_NAMESPACE, WorkspaceSettings, explicitCapacityProblem, workspaceSettings } from "../../shared/config/workspace";
import { EXAMPLE_STACK, PROJECT_FOLDERS, sharedWorkspaceProblems, workspaceSummary } from "../../shared/inventory";
import { inventorySources, workspaceInventory } from "../../shared/stackFiles";

/**
 * Every key of the `grafana-athena-workspace` project, read and validated once, as the
 * component's options plus the source stacks to read: those listed in `sources`, or else every
 * source stack of the inventory, in this stack's organisation. Also refused here, before any
 * resource is declared: what Grafana would refuse because a sibling workspace stack on the same
 * workspace already has it (a folder title, a data source name). The example stack is outside the
 * inventory both ways: no stack counts it as a sibling (it is never deployed), and it is compared
 * with none, so a user's stack on the example's workspace ID does not refuse the example plan
 * (`npm run synth`). All problems are reported together, one line each.
 */
export function loadWorkspaceConfig(): WorkspaceSettings {
    return orRunError(() => {
        const region = awsRegion();
        const settings = readSettings(WORKSPACE_NAMESPACE, WORKSPACE_KEY_KINDS, workspaceSettings, typeof region === "string" ? [] : [region]);
        const org = pulumi.getOrganization();
        const key = `${WORKSPACE_NAMESPACE}:sources`;
        let sources = settings.sources;
        if (sources.length === 0) {
            sources = inventorySources(org);
            if (sources.length === 0) {
                throw new ConfigError([
                    { key, message: `lists no source stack, and ${PROJECT_FOLDERS.source}/ has no stack file (Pulumi.<stack>.yaml): add one per data account, or list sources` },
                ]);
            }
            const capacity = explicitCapacityProblem(sources.length, settings.organizationId !== undefined);
            if (capacity) throw new ConfigError([{ key, message: `is empty, so every source stack is charted: ${capacity}` }]);
        }
        const me = workspaceSummary(pulumi.getStack(), { [`${WORKSPACE_NAMESPACE}:workspaceId`]: settings.workspaceId, [`${WORKSPACE_NAMESPACE}:dashboard`]: settings.dashboard, [key]: sources }, []);
        const problems = pulumi.getStack() === EXAMPLE_STACK ? [] : sharedWorkspaceProblems(me, workspaceInventory(org));
        if (problems.length > 0) throw new ConfigError(problems);
        return withSecretGrafanaAuth({ ...settings, sources });
    });
}
