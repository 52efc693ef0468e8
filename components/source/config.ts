import { awsRegion, orRunError, readSettings } from "../../shared/config/read";
import {
    SOURCE_KEY_KINDS,
    SOURCE_NAMESPACE,
    SourceSettings,
    sourceSettingsFor,
} from "../../shared/config/source";

interface SourceStackConfig extends SourceSettings {
    /** `aws:region`: where the workgroup, bucket and Athena queries live. */
    region: string;
}

/**
 * Every key of the `grafana-athena-source` project, read and validated once. All problems are
 * reported together, one line each, before any resource is declared.
 */
export function loadSourceConfig(): SourceStackConfig {
    return orRunError(() => {
        const region = awsRegion();
        const settings = readSettings(
            SOURCE_NAMESPACE,
            SOURCE_KEY_KINDS,
            sourceSettingsFor(typeof region === "string" ? region : undefined),
            typeof region === "string" ? [] : [region],
        );
        return { ...settings, region: region as string };
    });
}
