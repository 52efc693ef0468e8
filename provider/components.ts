/**
 * The two components as a Pulumi component package (`pulumi package add`): thin, typed arguments
 * that the SDK's analyzer turns into the package schema, mapped onto the very components this
 * repository's programs build (components/source/athenaSourceAccess.ts,
 * components/workspace/athenaWorkspace.ts), through the same config rules (shared/config/*), so that a Python
 * or YAML program gets the same resources, the same refusals and the same messages as `cd infra-account-b &&
 * pulumi up`.
 *
 * Why a second, package-facing class per component: the SDK's analyzer (@pulumi/pulumi
 * `provider/experimental/analyzer.js`, 3.276.0) accepts only interfaces of strings, numbers,
 * booleans, arrays, string maps, other interfaces and `Input<...>` of those; it refuses anonymous
 * object types (the components' zod-derived settings), string-literal unions that are not enums
 * (`PanelType`) and `ReadonlyArray`. And the engine asks the provider for `<package>:index:<Class>`
 * (`ComponentProvider.validateResourceType`), while the components keep the type tokens their
 * stacks' state already holds (`grafana-athena:source:AthenaSourceAccess`). So each class here
 * registers the package's token and builds the repository's component as its only child.
 *
 * Every field is documented: the analyzer copies the JSDoc into the schema, and so into the
 * docstrings of every generated SDK. The classes declare only their outputs as properties: the
 * analyzer takes every property of the class as an output.
 */

// The package's surface: the argument types and the two components. The analyzer finds the
// components from the entry point (provider/index.ts) by following each file's imports and its
// `export ... from` declarations (@pulumi/pulumi `provider/experimental/analyzer.js`,
// `collectImportedFiles`, 3.276.0), so these re-exports are what it reads.
export type { AthenaSourceAccessArgs, ResultsLocation, Workgroup } from "./sourceArgs";
export type {
    AthenaWorkspaceArgs,
    ContactPoint,
    Dashboard,
    Panel,
    Source,
    SourceContract,
    Team,
    ThresholdStep,
    Variable,
} from "./workspaceArgs";
export { AthenaSourceAccess } from "./athenaSourceAccess";
export { AthenaWorkspace } from "./athenaWorkspace";
