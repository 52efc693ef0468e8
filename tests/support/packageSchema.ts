/**
 * The package's schema as the engine gets it, built once per test process: the SDK's analyzer
 * builds a TypeScript program of the whole repository (several seconds), and the files that read
 * the schema share it when the runner gives them the same worker.
 */
import { PackageSchema, packageSchema } from "../../provider/host";

let cached: Promise<PackageSchema> | undefined;

export const schema = (): Promise<PackageSchema> => (cached ??= packageSchema());
