import { awsRegion, orRunError, readSettings } from "../shared/config/read";
import {
    BOOTSTRAP_KEY_KINDS,
    BOOTSTRAP_NAMESPACE,
    BootstrapSettings,
    bootstrapSettingsFor,
} from "../shared/config/bootstrap";

interface BootstrapStackConfig extends BootstrapSettings {
    /** `aws:region`: where the StackSet and its instances live (IAM itself is global). */
    region: string;
}

/**
 * Every key of the `grafana-athena-bootstrap` project, read and validated once. All problems are
 * reported together, one line each, before any resource is declared.
 */
export function loadBootstrapConfig(): BootstrapStackConfig {
    return orRunError(() => {
        const region = awsRegion();
        const settings = readSettings(
            BOOTSTRAP_NAMESPACE,
            BOOTSTRAP_KEY_KINDS,
            bootstrapSettingsFor(typeof region === "string" ? region : undefined),
            typeof region === "string" ? [] : [region],
        );
        return { ...settings, region: region as string };
    });
}
