/** The root project's example stack config, changed: the variants the root's tests plan. */
import { ROOT_DIR, Variant, exampleConfig } from "./program";

/** The root example config's two objects, changed by `change`. */
export function rootVariant(
    change: (cfg: { source: Record<string, any>; workspace: Record<string, any> }) => void,
): Variant {
    const { config } = exampleConfig(ROOT_DIR);
    const cfg = {
        source: JSON.parse(config["grafana-athena:source"]),
        workspace: JSON.parse(config["grafana-athena:workspace"]),
    };
    change(cfg);
    return { set: { "grafana-athena:source": cfg.source, "grafana-athena:workspace": cfg.workspace } };
}
