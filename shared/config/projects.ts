/**
 * Each project's declared keys (shared/config/declare.ts), by its folder: what `npm run
 * config-docs` writes into the project's `Pulumi.yaml`, and what the tests hold it to.
 */
import { BOOTSTRAP_KEYS } from "./bootstrap";
import type { KeyDeclarations } from "./declare";
import { ROOT_KEYS } from "./root";
import { SOURCE_KEYS } from "./source";
import { WORKSPACE_KEYS } from "./workspace";

export const PROJECT_KEYS: Readonly<Record<string, KeyDeclarations>> = {
    "infra-account-b": SOURCE_KEYS,
    "infra-account-a": WORKSPACE_KEYS,
    ".": ROOT_KEYS,
    bootstrap: BOOTSTRAP_KEYS,
};
