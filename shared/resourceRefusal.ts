/**
 * A `Refusal` raised while a program runs, as the Pulumi CLI prints it: a `pulumi.ResourceError`
 * with `hideStack`, printed as its message alone (@pulumi/pulumi `cmd/run/run.js`, checked with
 * 3.276.0).
 */
import * as pulumi from "@pulumi/pulumi";
import { Refusal } from "./refusal";

/**
 * A refusal raised while a program runs. Its message cannot be changed: each resource input an
 * Output feeds prefixes the rejection's message with `error serializing property "<input>": `
 * (@pulumi/pulumi `runtime/rpc.js` `serializeFilteredProperties`), once per resource that waits
 * on it, which would bury the message under as many prefixes as there are such resources.
 */
export class ResourceRefusal extends pulumi.ResourceError {
    constructor(message: string, resource: pulumi.Resource) {
        super(message, resource, /* hideStack */ true);
        Object.defineProperty(this, "message", {
            get: () => message,
            set: () => undefined,
            enumerable: false,
            configurable: false,
        });
    }
}

function asResourceRefusal(e: unknown, resource: pulumi.Resource): unknown {
    return e instanceof Refusal ? new ResourceRefusal(e.message, resource) : e;
}

/**
 * Runs `body` for `resource`: a `Refusal` it throws (or its promise rejects with) becomes a
 * `ResourceRefusal` of that resource; anything else passes through unchanged.
 */
export function refusing<T>(resource: pulumi.Resource, body: () => T): T {
    try {
        const result = body();
        if (result instanceof Promise) {
            return result.catch((e: unknown) => {
                throw asResourceRefusal(e, resource);
            }) as T;
        }
        return result;
    } catch (e) {
        throw asResourceRefusal(e, resource);
    }
}
