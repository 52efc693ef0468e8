/**
 * Values as the Pulumi engine sends them to a provider that accepts secrets: a secret is the
 * envelope `{<sig key>: <secret sig>, value}`, a value unknown during preview is one fixed string
 * (sdk/go/common/resource/plugin rpc.go: `UnknownStringValue`, and the SDK's runtime/rpc
 * `specialSigKey`/`specialSecretSig`). The stand-in providers compute on plain values and wrap the
 * properties that came in secret again on the way out, as the real providers' bridge does.
 */
import { SECRET_SIG, SECRET_SIG_KEY } from "../plan/mock/secrets";

/** The wire value of "unknown during preview". */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type Props = Record<string, unknown>;

function isSecret(value: unknown): value is { value: unknown } {
    return !!value && typeof value === "object" && (value as Props)[SECRET_SIG_KEY] === SECRET_SIG;
}

/** `value` with every secret envelope replaced by its content. */
export function plain(value: unknown): unknown {
    if (isSecret(value)) return plain(value.value);
    if (Array.isArray(value)) return value.map(plain);
    if (value && typeof value === "object")
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
    return value;
}

/** Whether `value` holds a secret anywhere. */
function holdsSecret(value: unknown): boolean {
    if (isSecret(value)) return true;
    if (Array.isArray(value)) return value.some(holdsSecret);
    if (value && typeof value === "object") return Object.values(value).some(holdsSecret);
    return false;
}

/** Whether `value` holds an unknown anywhere. */
export function holdsUnknown(value: unknown): boolean {
    if (value === UNKNOWN) return true;
    if (Array.isArray(value)) return value.some(holdsUnknown);
    if (value && typeof value === "object") return Object.values(value).some(holdsUnknown);
    return false;
}

export const secret = (value: unknown) => ({ [SECRET_SIG_KEY]: SECRET_SIG, value });

/** The top-level properties of `inputs` that hold a secret. */
export function secretKeys(inputs: Props): string[] {
    return Object.keys(inputs).filter((k) => holdsSecret(inputs[k]));
}

/**
 * `outputs` with the named properties (those that came in secret, and the provider's own secret outputs)
 * wrapped.
 */
export function wrapSecrets(outputs: Props, keys: Iterable<string>): Props {
    const out = { ...outputs };
    for (const k of keys) if (k in out && out[k] !== undefined && !isSecret(out[k])) out[k] = secret(out[k]);
    return out;
}

/** Deep equality of two plain JSON values. */
export function same(a: unknown, b: unknown): boolean {
    return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === "object") {
        return Object.fromEntries(
            Object.keys(v)
                .sort()
                .map((k) => [k, canonical((v as Props)[k])]),
        );
    }
    return v;
}
