/**
 * What keeps a workspace the stack manages (`createWorkspace`, created or adopted) from being
 * replaced or deleted by surprise. A replacement is a new workspace at a new URL, and the old one
 * goes with every dashboard, folder, alert rule and user its users made; a destroy the same. Pure:
 * the workspace component (components/workspace/managedWorkspace.ts) applies these.
 *
 * Facts relied on (checked in the sources named):
 * - What replaces an `aws.grafana.Workspace` (@pulumi/aws 7.48.0, bridged from
 *   hashicorp/terraform-provider-aws `internal/service/grafana/workspace.go`): the ForceNew
 *   arguments `authentication_providers` and `kms_key_id`, and `region` (every regional resource
 *   since provider v6, `website/docs/guides/enhanced-region-support.html.markdown`: "Changing the
 *   value of region will force resource replacement"). Every other argument is updated in place
 *   (UpdateWorkspace; the version and configuration by UpdateWorkspaceConfiguration). This program
 *   gives no `kmsKeyId` (optional and computed: the workspace's own stays, no difference) and no
 *   `region` (the stack's), so `authentication` is the one key that can replace it. The providers
 *   are a list (TypeList): the same providers in another order are a difference too.
 * - Amazon Managed Grafana changes a workspace's sign-in in place (UpdateWorkspaceAuthentication,
 *   `aws grafana update-workspace-authentication`), which the provider never calls: the way to
 *   change it on purpose without a replacement.
 * - `protect` (pulumi/pulumi `pkg/resource/deploy/step_generator.go`, the replacement check, and
 *   `step.go` `DeleteStep.Apply`; Pulumi's docs, "Resource option: protect"): replacing a resource
 *   protected in the state and in the program is an error in `pulumi preview` and in `pulumi up`,
 *   before any step runs; deleting a protected resource (a destroy, or an update to a program
 *   without it, as `fleet destroy` runs) fails, in the preview too, checked before
 *   `retainOnDelete`. `pulumi state unprotect <URN>` lifts it (any CLI; `--ignore-protect` since
 *   v3.259.0), and the next `pulumi up` of this program protects the resource again.
 * - `retainOnDelete` (Pulumi's docs, "Resource option: retainOnDelete"; `DeleteStep.Apply`):
 *   Pulumi never calls the provider's Delete, on a destroy or on a replacement: the resource is
 *   only dropped from the state.
 * - `import` (Pulumi's docs, "Resource option: import"; `step_generator.go`): read by its ID while
 *   not in the state, then diffed against the program's inputs like any resource; while the
 *   program still gives the ID, a replacement is refused ("previously-imported resources that
 *   still specify an ID may not be replaced"), but in `pulumi up` only: a preview just warns.
 *
 * So both a created and an adopted workspace are protected: no `pulumi up` replaces them and no
 * destroy deletes them until someone unprotects them on purpose (docs/deploying.md). An adopted
 * one is also retained: even unprotected, Pulumi only forgets it, as it forgets an adopted
 * workgroup. A created one is not: once unprotected on purpose, a destroy deletes what the stack
 * made. Where the program knows the workspace before it plans (an adopted one, read by its ID), it
 * refuses a replacing or failing change itself, in one line naming the key (`adoptionProblem`).
 */
import { Refusal } from "../refusal";
import { isDowngrade } from "./version";

/** The resource options of the managed workspace: protected; adopted: imported by its ID and retained. */
export function workspaceLifecycle(adopt: string | undefined): {
    protect: true;
    import?: string;
    retainOnDelete?: true;
} {
    return adopt === undefined ? { protect: true } : { protect: true, import: adopt, retainOnDelete: true };
}

/** The adopted workspace as Amazon Managed Grafana reports it (`aws.grafana.getWorkspace`). */
interface ExistingWorkspace {
    authenticationProviders?: readonly string[];
    grafanaVersion?: string;
}

/** What `createWorkspace` says of the sign-in and version. */
interface AdoptionSettings {
    authentication: readonly string[];
    grafanaVersion: string;
}

const list = (xs: readonly string[]) => `[${xs.join(", ")}]`;

/**
 * The sign-in providers to give the adopted workspace `workspaceId`: its own list, in its own
 * order, when the stack file names the same providers (an order of the stack file's own would be
 * a difference, and a replacement). Throws a `Refusal`, one line naming the key, when the stack
 * file's providers differ (the provider would replace the workspace) or its version is lower (a
 * downgrade, which AMG refuses mid-update). What the workspace does not report is not compared.
 */
export function adoptedProviders(
    settings: AdoptionSettings,
    workspaceId: string,
    existing: ExistingWorkspace,
): string[] {
    const wanted = [...settings.authentication];
    const own = existing.authenticationProviders ?? [];
    const sameSet = own.length === wanted.length && wanted.every((p) => own.includes(p));
    if (own.length > 0 && !sameSet) {
        throw new Refusal(
            `createWorkspace.authentication: ${list(wanted)} is not the sign-in of the adopted ` +
                `workspace ${workspaceId} (${list(own)}), and a change of it replaces the workspace, ` +
                `a new one without its dashboards: set ${list(own)}, or change the sign-in in place ` +
                `first (aws grafana update-workspace-authentication) and then run pulumi up --refresh`,
        );
    }
    const version = existing.grafanaVersion;
    if (version !== undefined && isDowngrade(version, settings.grafanaVersion)) {
        throw new Refusal(
            `createWorkspace.grafanaVersion: "${settings.grafanaVersion}" would downgrade the adopted ` +
                `workspace ${workspaceId} from Grafana ${version}, which Amazon Managed Grafana ` +
                `refuses (an upgrade is one way): set "${version}", or name the workspace with ` +
                `workspaceId if createWorkspace does not offer it`,
        );
    }
    return own.length > 0 ? [...own] : wanted;
}
