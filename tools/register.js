/**
 * How the tools and the tests load TypeScript: ts-node with SWC as its transpiler (`swc: true`
 * implies transpile-only; types are checked once, by `tsc --noEmit` in `npm test`). SWC
 * transpiles a file in a fraction of what TypeScript's own transpiler takes, which is most of a
 * tool's start-up (see docs/development.md). `pulumi up` does not use this file: the Pulumi CLI
 * registers ts-node itself from the project's tsconfig.json.
 *
 *   node -r ./tools/register.js tools/plan/synth.ts ...
 */
require("ts-node").register({ swc: true });
