/**
 * The fake cloud the offline plan runs against: one entry per resource type and per lookup the
 * programs use, each answering the way the real provider would, deterministically. To plan a new
 * resource type, add its entry to `RESOURCES` (or its lookup to `CALLS`); anything not listed is
 * refused, naming the type, so that a plan never silently invents a resource.
 */
import { createHash } from "crypto";
import { partitionOf } from "../../../shared/partition";

/** The account the mocked cloud answers with when the config names none. */
export const DEFAULT_ACCOUNT_ID = "123456789012";
/** The organisation of the local backend: the default of `pulumi.getOrganization()`. */
export const DEFAULT_ORGANIZATION = "organization";
/** A fixed clock, so rotation times and token expiries are the same in every run. */
export const MOCK_NOW = "2026-01-01T00:00:00Z";

/** What the stack reference `STACK` resolves to: an earlier plan's outputs. */
export interface StackRefOutputs {
    outputs: Record<string, unknown>;
    secretOutputs?: string[];
}

/** Things that exist before the program runs (answers to lookups and reads). */
export interface MockWorld {
    /**
     * `aws.grafana.getWorkspace` answers, by workspace ID. Default: Grafana 12.4 (what new workspaces should
     * run), a service role.
     */
    workspaces?: Record<
        string,
        Partial<{
            endpoint: string;
            roleArn: string;
            grafanaVersion: string;
            accountId: string;
            authenticationProviders: string[];
        }>
    >;
    /** State of existing Athena workgroups read by `Workgroup.get`, by name. */
    workgroups?: Record<string, { tags?: Record<string, string>; configuration?: Record<string, unknown> }>;
}

/** What one answer may know about the run and the resource's provider. */
export interface CloudContext {
    /** The stack being planned: seeds generated values, so each stack gets its own. */
    stack: string;
    /** The account and region of the resource's (or the call's) AWS provider. */
    account: string;
    region: string;
    /** The `url` of the resource's provider (the Grafana provider's endpoint), if any. */
    providerUrl?: string;
    world: MockWorld;
    /** The outputs a stack reference resolves to, if known offline. */
    stackRef(name: string): StackRefOutputs | undefined;
    /**
     * Records that a stack reference is not known offline, and returns the one line that says so
     * and names what was looked for. The run reports these lines in place of the error the
     * SDK makes of the failed read, which carries one `failed to read resource` and one
     * `error serializing property "…"` prefix per resource waiting on it.
     */
    stackRefMissing(name: string): string;
    /** Registers a generated secret, so that the plan redacts it wherever it appears. */
    addSecret(value: string): void;
}

export interface ResourceRequest {
    type: string;
    name: string;
    /** The inputs, secrets unwrapped. */
    inputs: Record<string, any>;
    /** Set for a read or an import: the ID of the existing resource. */
    id?: string;
}

export type ResourceAnswer = { id: string | undefined; state: Record<string, unknown> };
type ResourceMock = (req: ResourceRequest, ctx: CloudContext) => ResourceAnswer;
type CallMock = (inputs: Record<string, any>, ctx: CloudContext) => Record<string, unknown>;

/** The partition of the provider's region: every ARN the fake cloud makes names it. */
const arnPartition = (ctx: { region: string }) => partitionOf(ctx.region) ?? "aws";

export const hash = (s: string, n = 16) => createHash("sha256").update(s).digest("hex").slice(0, n);

/** A deterministic stand-in for a random value. */
export function generated(
    seed: string,
    length: number,
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
): string {
    let out = "";
    let counter = 0;
    while (out.length < length) {
        const bytes = createHash("sha256").update(`${seed}#${counter++}`).digest();
        for (const b of bytes) {
            if (out.length < length) out += alphabet[b % alphabet.length];
        }
    }
    return out;
}

function addDays(iso: string, days: number): string {
    return new Date(Date.parse(iso) + days * 86_400_000).toISOString().replace(/\.000Z$/, "Z");
}

/** A resource whose ID the provider makes up from its inputs, and whose state is its inputs. */
const echo: ResourceMock = ({ name, inputs }) => ({
    id: `${name}-${hash(JSON.stringify(inputs), 8)}`,
    state: { ...inputs },
});

const random: ResourceMock = ({ name, inputs }, ctx) => {
    const result = generated(`${ctx.stack}/${name}`, Number(inputs.length ?? 32));
    ctx.addSecret(result);
    return { id: "none", state: { ...inputs, result } };
};

/** Offline, a dynamic provider is recorded, never run. */
const dynamic: ResourceMock = ({ name, inputs }) => {
    const { __provider, ...rest } = inputs;
    void __provider;
    return {
        id: `dynamic-${hash(name, 8)}`,
        state: { ...rest, message: "not run offline", attempts: 0, installedVersion: "not run offline" },
    };
};

const grafanaUid: ResourceMock = ({ type, name, inputs }) => {
    const uid = inputs.uid ?? hash(`${type}/${name}`, 14);
    return { id: `1:${uid}`, state: { ...inputs, uid } };
};

/** Custom resource types, by type token. */
export const RESOURCES: Record<string, ResourceMock> = {
    "pulumi:pulumi:StackReference": ({ inputs }, ctx) => {
        const ref = ctx.stackRef(inputs.name);
        if (!ref) throw new Error(ctx.stackRefMissing(inputs.name));
        return {
            id: inputs.name,
            state: { name: inputs.name, outputs: ref.outputs, secretOutputNames: ref.secretOutputs ?? [] },
        };
    },
    "random:index/randomPassword:RandomPassword": random,
    "random:index/randomString:RandomString": random,
    "aws:iam/role:Role": ({ name, inputs }, ctx) => {
        const roleName = inputs.name ?? name;
        return {
            id: roleName,
            state: {
                ...inputs,
                name: roleName,
                arn: `arn:${arnPartition(ctx)}:iam::${ctx.account}:role${inputs.path ?? "/"}${roleName}`,
                uniqueId: `AROA${hash(roleName).toUpperCase()}`,
            },
        };
    },
    "aws:iam/policy:Policy": ({ name, inputs }, ctx) => {
        const policyName = inputs.name ?? name;
        const arn = `arn:${arnPartition(ctx)}:iam::${ctx.account}:policy${inputs.path ?? "/"}${policyName}`;
        return {
            id: arn,
            state: { ...inputs, name: policyName, arn, policyId: `ANPA${hash(arn).toUpperCase()}` },
        };
    },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": echo,
    "aws:iam/rolePolicy:RolePolicy": echo,
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": echo,
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": echo,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": echo,
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": echo,
    "aws:s3/bucketPolicy:BucketPolicy": echo,
    "aws:s3/bucket:Bucket": ({ name, inputs }, ctx) => {
        const bucket = inputs.bucket ?? `${name}-${hash(name, 7)}`;
        return {
            id: bucket,
            state: { ...inputs, bucket, arn: `arn:${arnPartition(ctx)}:s3:::${bucket}`, region: ctx.region },
        };
    },
    "aws:cloudformation/stackSet:StackSet": ({ name, inputs }, ctx) => {
        const setName = inputs.name ?? name;
        const stackSetId = `${setName}:${hash(setName, 8)}-0000-0000-0000-000000000000`;
        return {
            id: setName,
            state: {
                ...inputs,
                name: setName,
                stackSetId,
                arn:
                    `arn:${arnPartition(ctx)}:cloudformation:${ctx.region}:` +
                    `${ctx.account}:stackset/${stackSetId}`,
            },
        };
    },
    "aws:cloudformation/stackSetInstance:StackSetInstance": ({ name, inputs }) => ({
        id: `${inputs.stackSetName},${hash(name, 8)}`,
        state: { ...inputs },
    }),
    "aws:athena/workgroup:Workgroup": ({ name, inputs, id }, ctx) => {
        const wgName = inputs.name ?? id ?? name;
        const existing = id
            ? (ctx.world.workgroups?.[wgName] ?? {
                  tags: {},
                  configuration: { enforceWorkgroupConfiguration: false },
              })
            : {};
        return {
            id: wgName,
            state: {
                ...existing,
                ...inputs,
                name: wgName,
                arn: `arn:${arnPartition(ctx)}:athena:${ctx.region}:${ctx.account}:workgroup/${wgName}`,
            },
        };
    },
    // A created workspace (createWorkspace): its ID and endpoint as AMG makes them, at the version asked for.
    "aws:grafana/workspace:Workspace": ({ name, inputs }, ctx) => {
        const id = `g-${hash(`${ctx.stack}/${name}`, 10)}`;
        const endpoint = `${id}.grafana-workspace.${ctx.region}.amazonaws.com`;
        return {
            id,
            state: {
                ...inputs,
                endpoint,
                arn: `arn:${arnPartition(ctx)}:grafana:${ctx.region}:${ctx.account}:/workspaces/${id}`,
                grafanaVersion: inputs.grafanaVersion ?? "10.4",
            },
        };
    },
    "aws:grafana/roleAssociation:RoleAssociation": ({ inputs }) => ({
        id: `${inputs.workspaceId},${inputs.role}`,
        state: { ...inputs },
    }),
    "aws:grafana/workspaceServiceAccount:WorkspaceServiceAccount": ({ name, inputs }) => ({
        id: `${inputs.workspaceId},${hash(name, 4)}`,
        state: { ...inputs, serviceAccountId: String(parseInt(hash(name, 4), 16)) },
    }),
    "aws:grafana/workspaceServiceAccountToken:WorkspaceServiceAccountToken": ({ name, inputs }, ctx) => {
        const key = `glsa_${generated(`${ctx.stack}/${name}/${inputs.name}`, 32)}_${hash(name, 8)}`;
        ctx.addSecret(key);
        return {
            id: `${inputs.workspaceId},${hash(name, 4)}`,
            state: {
                ...inputs,
                key,
                serviceAccountTokenId: String(parseInt(hash(`${name}/${inputs.name}`, 4), 16)),
                createdAt: MOCK_NOW,
                expiresAt: addDays(MOCK_NOW, Number(inputs.secondsToLive) / 86_400),
            },
        };
    },
    "time:index/rotating:Rotating": ({ inputs }) => {
        const base = (inputs.rfc3339 as string | undefined) ?? MOCK_NOW;
        return {
            id: base,
            state: {
                ...inputs,
                rfc3339: base,
                unix: Date.parse(base) / 1000,
                rotationRfc3339: addDays(base, Number(inputs.rotationDays ?? 0)),
            },
        };
    },
    "grafana:oss/dataSource:DataSource": grafanaUid,
    "grafana:oss/folder:Folder": grafanaUid,
    "grafana:oss/dashboard:Dashboard": ({ name, inputs }, ctx) => {
        const config = JSON.parse(String(inputs.configJson ?? "{}"));
        const uid = config.uid ?? hash(name, 14);
        const base = String(ctx.providerUrl ?? "https://grafana.invalid").replace(/\/+$/, "");
        const slug = String(config.title ?? uid)
            .toLowerCase()
            .replace(/[^a-z0-9]+/g, "-")
            .replace(/^-|-$/g, "");
        return {
            id: `1:${uid}`,
            state: {
                ...inputs,
                uid,
                dashboardId: parseInt(hash(uid, 5), 16),
                url: `${base}/d/${uid}/${slug}`,
                version: 1,
            },
        };
    },
    // Grafana's ids are "<org>:<id>" (the provider's MakeOrgResourceID); a team's number is made up from its
    // name.
    "grafana:oss/team:Team": ({ inputs }) => {
        const teamId = mockTeamNumber(String(inputs.name));
        return {
            id: `1:${teamId}`,
            state: { ...inputs, orgId: "1", teamId, teamUid: `team-${hash(String(inputs.name), 10)}` },
        };
    },
    "grafana:enterprise/dataSourcePermission:DataSourcePermission": ({ inputs }) => ({
        id: `1:${inputs.datasourceUid}`,
        state: { ...inputs, orgId: "1" },
    }),
    "grafana:oss/folderPermission:FolderPermission": ({ inputs }) => ({
        id: `1:${inputs.folderUid}`,
        state: { ...inputs, orgId: "1" },
    }),
    "grafana:oss/dashboardPermission:DashboardPermission": ({ inputs }) => ({
        id: `1:${inputs.dashboardUid}`,
        state: { ...inputs, orgId: "1" },
    }),
    "grafana:alerting/contactPoint:ContactPoint": ({ inputs }) => ({
        id: `1:${inputs.name}`,
        state: { ...inputs, orgId: "1" },
    }),
    // One per organisation: the provider's id is the organisation's.
    "grafana:alerting/notificationPolicy:NotificationPolicy": ({ inputs }) => ({
        id: "1:policy",
        state: { ...inputs, orgId: "1" },
    }),
    // The provider's id is "<org>:<folder uid>;<group name>" (terraform-provider-grafana
    // resource_alerting_rule_group.go).
    "grafana:alerting/ruleGroup:RuleGroup": ({ inputs }) => ({
        id: `1:${inputs.folderUid};${inputs.name}`,
        state: { ...inputs, orgId: "1" },
    }),
    "pulumi-nodejs:dynamic:Resource": dynamic,
    "pulumi-nodejs:dynamic/grafana-athena:AthenaPluginInstallation": dynamic,
};

/**
 * The number Grafana gives the team `name` in the fake cloud (an existing team is looked up with the same).
 */
export const mockTeamNumber = (name: string) => 100 + (parseInt(hash(`team/${name}`, 6), 16) % 900_000);

/** Lookups (`aws.getCallerIdentity` and the like), by function token. */
export const CALLS: Record<string, CallMock> = {
    "aws:index/getCallerIdentity:getCallerIdentity": (_inputs, ctx) => ({
        accountId: ctx.account,
        arn: `arn:${arnPartition(ctx)}:iam::${ctx.account}:role/offline-plan`,
        userId: `AROA${hash(ctx.account)}:offline`,
        id: ctx.account,
    }),
    "aws:index/getRegion:getRegion": (_inputs, { region }) => ({
        name: region,
        region,
        id: region,
        endpoint: `${region}.amazonaws.com`,
        description: region,
    }),
    "aws:index/getPartition:getPartition": (_inputs, ctx) => {
        const partition = arnPartition(ctx);
        const china = partition === "aws-cn";
        return {
            partition,
            id: partition,
            dnsSuffix: china ? "amazonaws.com.cn" : "amazonaws.com",
            reverseDnsPrefix: china ? "cn.com.amazonaws" : "com.amazonaws",
        };
    },
    // An existing team, looked up by name (`grafana.oss.getTeam`): every name answers, as a workspace
    // where the team was made by hand would.
    "grafana:oss/getTeam:getTeam": (inputs) => {
        const teamId = mockTeamNumber(String(inputs.name));
        return {
            id: `1:${teamId}`,
            name: inputs.name,
            orgId: "1",
            teamId,
            teamUid: `team-${hash(String(inputs.name), 10)}`,
            email: "",
            members: [],
            admins: [],
            preferences: [],
            teamSyncs: [],
        };
    },
    "aws:grafana/getWorkspace:getWorkspace": (inputs, ctx) => {
        const { account, region, world } = ctx;
        const wsId = String(inputs.workspaceId);
        const w = world.workspaces?.[wsId] ?? {};
        const wsAccount = w.accountId ?? account;
        return {
            id: wsId,
            workspaceId: wsId,
            endpoint: w.endpoint ?? `${wsId}.grafana-workspace.${region}.amazonaws.com`,
            roleArn:
                w.roleArn ??
                `arn:${arnPartition(ctx)}:iam::${wsAccount}:role/service-role/` +
                    `AmazonGrafanaServiceRole-${hash(wsId, 9)}`,
            grafanaVersion: w.grafanaVersion ?? "12.4",
            accountAccessType: "CURRENT_ACCOUNT",
            authenticationProviders: w.authenticationProviders ?? ["AWS_SSO"],
            permissionType: "SERVICE_MANAGED",
            status: "ACTIVE",
            name: `workspace-${wsId}`,
            arn: `arn:${arnPartition(ctx)}:grafana:${region}:${wsAccount}:/workspaces/${wsId}`,
            dataSources: ["ATHENA"],
            tags: {},
        };
    },
};

/** The answer for a custom resource, or the refusal naming its type. */
export function newResource(req: ResourceRequest, ctx: CloudContext): ResourceAnswer {
    const mock = RESOURCES[req.type];
    if (!mock) {
        throw new Error(
            `mock runtime: no mock for resource type "${req.type}" (resource ` +
                `"${req.name}"); add one to tools/plan/mock/fakeCloud.ts`,
        );
    }
    return mock(req, ctx);
}

/** The answer for a lookup, or the refusal naming its token. */
export function call(token: string, inputs: Record<string, any>, ctx: CloudContext): Record<string, unknown> {
    const mock = CALLS[token];
    if (!mock) {
        throw new Error(`mock runtime: no mock for call "${token}"; add one to tools/plan/mock/fakeCloud.ts`);
    }
    return mock(inputs, ctx);
}
