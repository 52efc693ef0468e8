/**
 * The component package's entry point (package.json `main`). The Pulumi CLI runs a source plugin
 * by requiring this directory's `main` (`@pulumi/pulumi/cmd/run-plugin`; PulumiPlugin.yaml cannot
 * name another entry point, pulumi/pulumi `pkg/workspace/plugin.go`) with the engine's address as
 * the arguments: this starts the provider that hosts both components.
 *
 * It exports no component class on purpose: run-plugin would then start the SDK's plain host as
 * well (`getPulumiComponents` of the module's exports), one without the secrets marked.
 */
import * as pulumi from "@pulumi/pulumi";
import "./components";
import { GrafanaAthenaProvider } from "./host";

pulumi.provider.main(new GrafanaAthenaProvider(), process.argv.slice(2)).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
});
