/**
 * The package's AthenaSourceAccess: checks its arguments as the source project checks its stack
 * config, then builds the repository's source component as its only child.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ConfigProblem, parseOrThrow } from "../shared/config/problems";
import * as r from "../shared/config/rules";
import { sourceSettingsFor } from "../shared/config/source";
import { AthenaSourceAccess as SourceAccessComponent } from "../components/source/athenaSourceAccess";
import { plainArgs, refuseInvalid } from "./arguments";
import { PACKAGE_NAME } from "./packageName";
import type { AthenaSourceAccessArgs } from "./sourceArgs";
import type { Alert, Panel, SourceDashboardFile, Variable } from "./workspaceArgs";

/**
 * The data account's side (steps 1-3 of the console walkthrough): the tagged workgroup, the
 * private results bucket, and the least-privilege role the Grafana workspace assumes with an
 * external ID. Its outputs are the stack-output contract the workspace reads (version 1).
 */
export class AthenaSourceAccess extends pulumi.ComponentResource {
    /** The contract version (1). */
    public readonly contractVersion!: pulumi.Output<number>;
    /** The data account (12 digits). */
    public readonly accountId!: pulumi.Output<string>;
    /** The data account's Athena region. */
    public readonly region!: pulumi.Output<string>;
    /** The role Grafana assumes; known once its access policies are attached. */
    public readonly roleArn!: pulumi.Output<string>;
    /** The external ID the role's trust policy requires (secret). */
    public readonly externalId!: pulumi.Output<string>;
    /** The Athena data catalog. */
    public readonly catalog!: pulumi.Output<string>;
    /** The Glue/Athena database. */
    public readonly database!: pulumi.Output<string>;
    /** The Athena workgroup, tagged `GrafanaDataSource=true`. */
    public readonly workgroup!: pulumi.Output<string>;
    /** Where Athena writes results, `s3://bucket/prefix/`; with managed query results, none. */
    public readonly outputLocation?: pulumi.Output<string>;
    /** `managed` with Athena's managed query results; absent with a results bucket. */
    public readonly resultsMode?: pulumi.Output<string>;
    /** The source's human name in Grafana. */
    public readonly label!: pulumi.Output<string>;
    /** The tables of the database the role may read, or `["*"]` for every one. */
    public readonly tables!: pulumi.Output<string[]>;
    /** The source's own panels for its dashboard. */
    public readonly panels!: pulumi.Output<Panel[]>;
    /** The source's own dashboard variables. */
    public readonly variables!: pulumi.Output<Variable[]>;
    /** The source's own alert rules. */
    public readonly alerts!: pulumi.Output<Alert[]>;
    /** The source's own dashboard files; absent without files (the package reads none). */
    public readonly dashboardFiles?: pulumi.Output<SourceDashboardFile[]>;
    /** The Grafana teams that may use this source. */
    public readonly teams!: pulumi.Output<string[]>;

    constructor(name: string, args: AthenaSourceAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${PACKAGE_NAME}:index:AthenaSourceAccess`, name, {}, opts);
        const { region, tags, ...settings } = refuseInvalid(this, "AthenaSourceAccess", () => {
            const plain = plainArgs(args as unknown as Record<string, unknown>, []);
            const {
                region: reg,
                tags: t,
                ...rest
            } = plain as { region?: unknown; tags?: unknown } & Record<string, unknown>;
            const regionProblem = r.region.safeParse(reg);
            const earlier: ConfigProblem[] = regionProblem.success
                ? []
                : [{ key: "AthenaSourceAccess:region", message: regionProblem.error.issues[0].message }];
            const tagsChecked = z
                .record(z.string(), z.string(), { error: "must be a map of tag names to strings" })
                .optional()
                .safeParse(t);
            if (!tagsChecked.success)
                earlier.push({
                    key: "AthenaSourceAccess:tags",
                    message: tagsChecked.error.issues[0].message,
                });
            const parsed = parseOrThrow(
                sourceSettingsFor(regionProblem.success ? regionProblem.data : undefined),
                rest,
                "AthenaSourceAccess",
                [],
                earlier,
            );
            return { ...parsed, region: reg as string, tags: tagsChecked.data };
        });
        // A name of its own: plans (npm run synth, the plan diff, the policy pack offline) name resources
        // uniquely.
        const source = new SourceAccessComponent(
            `${name}-source`,
            { ...settings, region, tags },
            { parent: this },
        );
        Object.assign(this, source.contract);
        this.registerOutputs({ ...source.contract });
    }
}
