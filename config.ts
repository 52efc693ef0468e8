import * as pulumi from "@pulumi/pulumi";
import { orRunError, readSettings } from "./shared/config/read";
import { ROOT_KEY_KINDS, ROOT_NAMESPACE, RootSettings, rootSettings } from "./shared/config/root";

export type RootStackConfig = Omit<RootSettings, "workspace"> & {
    workspace: Omit<RootSettings["workspace"], "grafanaAuth"> & { grafanaAuth?: pulumi.Output<string> };
};

/**
 * The root project's two objects, `source` and `workspace`, read and validated once with the
 * same rules as the two projects; problems name the full path (`grafana-athena:source.tables`).
 */
export function loadRootConfig(): RootStackConfig {
    return orRunError(() => {
        const settings = readSettings(ROOT_NAMESPACE, ROOT_KEY_KINDS, rootSettings);
        const { grafanaAuth, ...workspace } = settings.workspace;
        return { ...settings, workspace: { ...workspace, grafanaAuth: grafanaAuth === undefined ? undefined : pulumi.secret(grafanaAuth) } };
    });
}
