/**
 * What the offline tools (`npm run synth`, `fleet`) give the programs in place of a `secure:` config
 * value, which they cannot decrypt: a stand-in that is never the real secret, the same for the same
 * ciphertext (a changed secret is a changed stand-in). A rule about a secret's shape (a Slack webhook
 * URL) cannot judge a stand-in: it lets one pass, and judges the real value in `pulumi up`.
 */
import { createHash } from "crypto";

const PREFIX = "offline-secret-";

/** The stand-in for the ciphertext `secure`. */
export function offlineSecretStandIn(secure: string): string {
    return `${PREFIX}${createHash("sha256").update(secure).digest("hex").slice(0, 16)}`;
}

/** Whether `value` is such a stand-in. */
export const isOfflineSecretStandIn = (value: unknown): boolean =>
    typeof value === "string" && new RegExp(`^${PREFIX}[0-9a-f]{16}$`).test(value);
