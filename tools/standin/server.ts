/**
 * A resource provider plugin as the Pulumi engine runs it: a process that serves the
 * `pulumirpc.ResourceProvider` gRPC service on 127.0.0.1 and prints its port on stdout
 * (pulumi/pulumi `proto/pulumi/provider.proto`; the plugin protocol in
 * `sdk/go/common/resource/plugin/plugin.go`). The SDK's own provider host
 * (`@pulumi/pulumi/provider/server.js`) would hide the provider configuration from the provider
 * (its Configure ignores the request) and answers DiffConfig "unimplemented", so the stand-ins
 * serve the service themselves, with the SDK's generated gRPC code: the same `@grpc/grpc-js` and
 * `google-protobuf` the SDK loads, resolved from the SDK's own folder (no dependency of ours).
 * Methods not served here (Construct, Call, Handshake, ...) answer UNIMPLEMENTED, which the engine
 * takes as "not supported".
 */
import { StandIn } from "./cloud";
import { changedKeys, diffInputs } from "./replaces";
import { Props, holdsUnknown, plain, secretKeys, wrapSecrets } from "./wire";
import { sdkRequire } from "../../shared/pulumiInternals";

const sdk = sdkRequire as (id: string) => any;
const grpc = sdk("@grpc/grpc-js");
const provrpc = sdk("./proto/provider_grpc_pb");
const provproto = sdk("./proto/provider_pb");
const plugproto = sdk("./proto/plugin_pb");
const structproto = sdk("google-protobuf/google/protobuf/struct_pb");
const emptyproto = sdk("google-protobuf/google/protobuf/empty_pb");

type Callback = (err: unknown, value?: unknown) => void;
type Call = { request: any };

/** The type token and name of a URN `urn:pulumi:stack::project::[parent$]type::name`. */
export function urnParts(urn: string): { type: string; name: string } {
    const parts = urn.split("::");
    const types = (parts[2] ?? "").split("$");
    return { type: types[types.length - 1], name: parts.slice(3).join("::") };
}

const toJs = (s: any): Props => (s ? (s.toJavaScript() as Props) : {});
const toStruct = (p: Props) => structproto.Struct.fromJavaScript(JSON.parse(JSON.stringify(p)));

/** One handler per method: the request in, the response or the error out. */
function handler(body: (req: any) => Promise<unknown>) {
    return (call: Call, callback: Callback) => {
        body(call.request).then(
            (resp) => callback(null, resp),
            (err: Error) => callback({ code: grpc.status.UNKNOWN, details: err.message }),
        );
    };
}

export function serve(version: string, provider: StandIn): Promise<number> {
    const service = {
        getPluginInfo: handler(async () => new plugproto.PluginInfo().setVersion(version)),
        getSchema: handler(async () => new provproto.GetSchemaResponse().setSchema("{}")),
        attach: handler(async () => new emptyproto.Empty()),
        cancel: handler(async () => new emptyproto.Empty()),
        checkConfig: handler(async (req) => new provproto.CheckResponse().setInputs(req.getNews())),
        // Provider settings (region, URL, token) change in place, as the bridged providers' DiffConfig says.
        diffConfig: handler(async (req) => {
            const diffs = changedKeys(toJs(req.getOlds()), toJs(req.getNews()));
            return new provproto.DiffResponse()
                .setChanges(
                    diffs.length > 0
                        ? provproto.DiffResponse.DiffChanges.DIFF_SOME
                        : provproto.DiffResponse.DiffChanges.DIFF_NONE,
                )
                .setDiffsList(diffs);
        }),
        configure: handler(async (req) => {
            const config: Props = { ...toJs(req.getArgs()) };
            // Older engines pass only `variables`, keyed `<package>:config:<key>` or `<package>:<key>`.
            req.getVariablesMap().forEach((v: string, k: string) => {
                const key = k.split(":").pop()!;
                if (!(key in config)) config[key] = v;
            });
            const plainConfig = plain(config) as Props;
            if (!holdsUnknown(plainConfig)) provider.configure(plainConfig);
            return new provproto.ConfigureResponse()
                .setAcceptsecrets(true)
                .setSupportspreview(true)
                .setAcceptresources(true)
                .setAcceptoutputs(false);
        }),
        check: handler(async (req) => new provproto.CheckResponse().setInputs(req.getNews())),
        diff: handler(async (req) => {
            const { type } = urnParts(req.getUrn());
            const olds = req.getOldInputs() ? toJs(req.getOldInputs()) : toJs(req.getOlds());
            const { diffs, replaces } = diffInputs(type, olds, toJs(req.getNews()));
            return new provproto.DiffResponse()
                .setChanges(
                    diffs.length > 0
                        ? provproto.DiffResponse.DiffChanges.DIFF_SOME
                        : provproto.DiffResponse.DiffChanges.DIFF_NONE,
                )
                .setDiffsList(diffs)
                .setReplacesList(replaces);
        }),
        create: handler(async (req) => {
            const { type, name } = urnParts(req.getUrn());
            const inputs = toJs(req.getProperties());
            // A preview plans: the inputs, and what the provider computes unknown (a Terraform plan).
            if (req.getPreview())
                return new provproto.CreateResponse().setId("").setProperties(toStruct(inputs));
            const answer = await provider.create(type, name, plain(inputs) as Props);
            const outs = wrapSecrets(answer.outs, [...secretKeys(inputs), ...provider.secretOutputs(type)]);
            return new provproto.CreateResponse().setId(answer.id).setProperties(toStruct(outs));
        }),
        read: handler(async (req) => {
            const { type } = urnParts(req.getUrn());
            const state = toJs(req.getProperties());
            const found = await provider.read(type, req.getId(), plain(state) as Props);
            const resp = new provproto.ReadResponse();
            if (!found) return resp.setId("");
            const oldInputs = toJs(req.getInputs());
            const secretOnes = [
                ...secretKeys(state),
                ...secretKeys(oldInputs),
                ...provider.secretOutputs(type),
            ];
            // A refresh keeps the inputs in state: the program's, or none for a resource read with
            // `get` (the engine keeps none for it, pkg/resource/deploy/step.go ReadStep, and compares
            // the inputs a refresh reports with them). Only an import (no state yet) takes the
            // inputs from what exists, as the bridge extracts them from the resource's state.
            const importing = Object.keys(state).length === 0;
            const inputs = importing ? wrapSecrets(found.inputs, secretOnes) : oldInputs;
            return resp
                .setId(req.getId())
                .setProperties(toStruct(wrapSecrets(found.outs, secretOnes)))
                .setInputs(toStruct(inputs));
        }),
        update: handler(async (req) => {
            const { type } = urnParts(req.getUrn());
            const news = toJs(req.getNews());
            // A preview plans an update in place: what the provider computed stays known (an ARN
            // does not change when a policy document does), so what depends on it is not replaced.
            if (req.getPreview())
                return new provproto.UpdateResponse().setProperties(
                    toStruct({ ...toJs(req.getOlds()), ...news }),
                );
            const outs = await provider.update(
                type,
                req.getId(),
                plain(toJs(req.getOlds())) as Props,
                plain(news) as Props,
            );
            return new provproto.UpdateResponse().setProperties(
                toStruct(wrapSecrets(outs, [...secretKeys(news), ...provider.secretOutputs(type)])),
            );
        }),
        delete: handler(async (req) => {
            const { type } = urnParts(req.getUrn());
            await provider.delete(type, req.getId(), plain(toJs(req.getProperties())) as Props);
            return new emptyproto.Empty();
        }),
        invoke: handler(async (req) => {
            const outputs = await provider.invoke(req.getTok(), plain(toJs(req.getArgs())) as Props);
            return new provproto.InvokeResponse().setReturn(toStruct(outputs));
        }),
    };
    const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
    server.addService(provrpc.ResourceProviderService, service);
    return new Promise((resolve, reject) =>
        server.bindAsync(
            "127.0.0.1:0",
            grpc.ServerCredentials.createInsecure(),
            (err: Error | null, port: number) => {
                if (err) return reject(err);
                resolve(port);
            },
        ),
    );
}
