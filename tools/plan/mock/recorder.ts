/**
 * Records what a program asks the Pulumi engine for: every registered or read resource with its
 * type, name, parent, provider, inputs and options. The options are read off the mock monitor's
 * register requests (docs/offline-plan.md, "The plan's JSON"): `getProtect()`,
 * `getRetainondelete()`, `getImportid()`, `getParent()`, `getDependenciesList()`,
 * `getAdditionalsecretoutputsList()`, `getDeletebeforereplace()`, `getIgnorechangesList()` (checked with
 * @pulumi/pulumi 3.276.0).
 */
import type { PlanOptions } from "../format";
import { unwrapSecrets } from "./secrets";

export interface Recorded {
    type: string;
    name: string;
    parentUrn: string;
    providerRef: string;
    inputs: unknown;
    options: Omit<PlanOptions, "dependsOn"> & { dependsOnUrns: string[] };
    urn?: string;
    /** Set for a resource that is only read (`Resource.get`). */
    read?: { id: string };
}

export interface ProviderInfo {
    name: string;
    type: string;
    inputs: Record<string, unknown>;
}

/** The register/read requests of the mock monitor (the SDK's gRPC request objects). */
interface MockMonitor {
    registerResource(req: any, cb: (err: any, res: any) => void): Promise<void>;
    readResource(req: any, cb: (err: any, res: any) => void): Promise<void>;
}

export class ResourceRecorder {
    readonly recorded: Recorded[] = [];
    readonly byUrn = new Map<string, Recorded>();
    /** Explicit and default providers, by URN, with their inputs (secrets unwrapped). */
    readonly providers = new Map<string, ProviderInfo>();

    /** Wraps the monitor's register and read calls; the mocks still answer them. */
    constructor(monitor: unknown) {
        const m = monitor as MockMonitor;
        const register = m.registerResource.bind(m);
        m.registerResource = (r: any, cb) => {
            const rec: Recorded = {
                type: r.getType(),
                name: r.getName(),
                parentUrn: r.getParent(),
                providerRef: r.getProvider(),
                inputs: r.getObject()?.toJavaScript() ?? {},
                options: {
                    protect: r.getProtect() ?? false,
                    retainOnDelete: r.getRetainondelete() ?? false,
                    import: r.getImportid() || null,
                    dependsOnUrns: r.getDependenciesList(),
                    additionalSecretOutputs: r.getAdditionalsecretoutputsList(),
                    deleteBeforeReplace: r.getDeletebeforereplace() ?? false,
                    ignoreChanges: r.getIgnorechangesList(),
                },
            };
            this.recorded.push(rec);
            return register(r, (err, res) => {
                if (!err && res) {
                    rec.urn = res.getUrn();
                    this.byUrn.set(rec.urn!, rec);
                    if (rec.type.startsWith("pulumi:providers:")) {
                        const found = { paths: [] as string[], values: [] as string[] };
                        this.providers.set(rec.urn!, {
                            name: rec.name,
                            type: rec.type,
                            inputs: unwrapSecrets(rec.inputs, "", found) as Record<string, unknown>,
                        });
                    }
                }
                cb(err, res);
            });
        };
        const read = m.readResource.bind(m);
        m.readResource = (r: any, cb) => {
            const rec: Recorded = {
                type: r.getType(),
                name: r.getName(),
                parentUrn: r.getParent(),
                providerRef: r.getProvider(),
                inputs: {},
                options: {
                    protect: false,
                    retainOnDelete: false,
                    import: null,
                    dependsOnUrns: [],
                    additionalSecretOutputs: [],
                    deleteBeforeReplace: false,
                    ignoreChanges: [],
                },
                read: { id: r.getId() },
            };
            this.recorded.push(rec);
            return read(r, (err, res) => {
                if (!err && res) {
                    rec.urn = res.getUrn();
                    this.byUrn.set(rec.urn!, rec);
                }
                cb(err, res);
            });
        };
    }

    /** The provider a reference (`<provider URN>::<provider id>`) names. */
    providerOf(ref: string | undefined): ProviderInfo | undefined {
        return ref ? this.providers.get(ref.split("::").slice(0, -1).join("::")) : undefined;
    }
}
