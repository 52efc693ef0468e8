/**
 * The repository's own ESLint rules (eslint.config.mjs), for what no maintained plugin checks
 * under ESLint 10's flat config: exports nobody imports, and import cycles counted over every
 * kind of import (docs/development.md, "Linting", says why these are not eslint-plugin-import-x's).
 */
"use strict";
const { importIndex, ROOT } = require("./importIndex");

module.exports = {
    meta: { name: "grafana-athena" },
    rules: {
        "no-import-cycle": require("./noImportCycle"),
        "no-unused-exports": require("./noUnusedExports"),
    },
    /** Changes whenever any module's imports (or these rules) change: see eslint.config.mjs. */
    importsDigest: () => importIndex(ROOT).digest,
};
