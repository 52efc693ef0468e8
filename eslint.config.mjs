// ESLint for every TypeScript and JavaScript file of the repository; `npm test` runs it beside
// mocha (`npm run lint` alone). What each rule is for, and how to add an exception: the
// "Linting" section of docs/development.md.
import js from "@eslint/js";
import stylistic from "@stylistic/eslint-plugin";
import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";
import local from "./tools/dev/eslint/index.js";

export default defineConfig([
    globalIgnores(["tests/fixtures/", "docs/config/", "out/", "plans/", "**/*.js.map"]),
    {
        files: ["**/*.{ts,js,mjs}"],
        extends: [js.configs.recommended, tseslint.configs.recommended],
        plugins: { "@stylistic": stylistic, "grafana-athena": local },
        linterOptions: { reportUnusedDisableDirectives: "error" },
        // The cross-file rules read every module's imports; ESLint's cache keys a file's result
        // on its own content and this configuration only, so the digest of all imports is part
        // of the configuration: an import added or removed anywhere lints every file again.
        settings: { "grafana-athena/imports": local.importsDigest() },
        rules: {
            "grafana-athena/no-import-cycle": "error",
            "grafana-athena/no-unused-exports": "error",
            // Prettier wraps code at 110 columns but leaves strings and comments whole; this holds
            // them to the same width. Not broken: a URL, a regular expression literal (one token),
            // and a test's title (the line that starts `it(` or `describe(`), which mocha prints
            // whole and a reader greps for.
            "@stylistic/max-len": [
                "error",
                {
                    code: 110,
                    tabWidth: 4,
                    ignoreUrls: true,
                    ignoreRegExpLiterals: true,
                    ignorePattern: "^\\s*(it|describe)(\\.only|\\.skip)?\\(",
                },
            ],
            // `_` names a parameter or element that must be there but is not used (a callback's
            // signature, an array's position), as TypeScript's noUnusedParameters allows.
            "@typescript-eslint/no-unused-vars": [
                "error",
                {
                    argsIgnorePattern: "^_",
                    varsIgnorePattern: "^_",
                    caughtErrorsIgnorePattern: "^_",
                    destructuredArrayIgnorePattern: "^_",
                },
            ],
            // A `require()` inside a function loads a module only when a command needs it (a
            // CLI's start-up is most of its time) or reaches a file the SDK does not export
            // (shared/pulumiInternals.ts); tsc types it either way. CommonJS files require too.
            "@typescript-eslint/no-require-imports": "off",
            // Escaping and refusing control characters is what these expressions are for.
            "no-control-regex": "off",
            // A refusal replaces the underlying error on purpose: one line naming the key, never
            // a parser's message, which can quote the (possibly secret) input.
            "preserve-caught-error": "off",
            // A closure may read a variable that is assigned once, after the closure is made
            // (the mock runtime's recorder and the callbacks it is built with).
            "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
        },
    },
    {
        // Modules whose exports are an interface of their own, read by something other than an
        // import of this repository: a Pulumi program's exports are its stack outputs; the
        // component package (the SDK's analyzer reads provider/components.ts for the schema);
        // the policy pack; the offline plan's library (tools/plan/: its format is an interface
        // CI and users rely on); ESLint's own configuration.
        files: [
            "index.ts",
            "infra-account-a/index.ts",
            "infra-account-b/index.ts",
            "bootstrap/index.ts",
            "tools/dev/benchFloor/index.ts",
            "provider/**",
            "policy/**",
            "tools/plan/**",
            "eslint.config.mjs",
        ],
        rules: { "grafana-athena/no-unused-exports": "off" },
    },
    {
        // Code a dynamic provider serializes into the state (its text is recorded as reviewed in
        // tools/ci/stateGuard/reviewed.txt): a string split in two changes that text, so its
        // long messages stay whole. Its comments are wrapped like any other.
        files: ["components/workspace/healthCheckClient.ts", "components/workspace/pluginClient.ts"],
        rules: {
            "@stylistic/max-len": [
                "error",
                {
                    code: 110,
                    tabWidth: 4,
                    ignoreStrings: true,
                    ignoreTemplateLiterals: true,
                    ignoreUrls: true,
                    ignoreRegExpLiterals: true,
                },
            ],
        },
    },
    {
        // A command's `main(argv, out, err)`: the tests call it in process for each npm script
        // (tests/support/shell.ts loads the script's file by its path).
        files: [
            "tools/ci/fleet/cli.ts",
            "tools/ci/planDiff/cli.ts",
            "tools/ci/policy.ts",
            "tools/ci/stateGuard/cli.ts",
            "tools/dev/configDocs.ts",
            "tools/dev/schema.ts",
        ],
        rules: { "grafana-athena/no-unused-exports": ["error", { allow: ["main"] }] },
    },
    {
        // The Pulumi mocks and the engine's wire protocol hand over untyped property bags; the
        // tests read them as such, and so do the mock runtime and the stand-in providers.
        files: ["tests/**", "tools/plan/mock/**", "tools/standin/**"],
        rules: { "@typescript-eslint/no-explicit-any": "off" },
    },
    {
        // The tests match help and tables laid out in columns: a run of spaces reads as printed.
        files: ["tests/**"],
        rules: { "no-regex-spaces": "off" },
    },
    {
        // CommonJS: the loader the tools and tests start with, and code serialized for providers.
        files: ["**/*.js"],
        languageOptions: {
            sourceType: "commonjs",
            globals: {
                require: "readonly",
                module: "writable",
                __dirname: "readonly",
                process: "readonly",
                setTimeout: "readonly",
                console: "readonly",
            },
        },
    },
]);
