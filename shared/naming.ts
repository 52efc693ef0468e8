/**
 * Stable names and ids. Children of list-shaped config are named by a hash of a stable key
 * (a stack name, an ARN), never by their position, so reordering a list changes nothing.
 */
import { createHash } from "crypto";
import confusables from "unhomoglyph/data.json";

/** A short, stable hex digest of `key`. */
export function shortHash(key: string, length = 12): string {
    return createHash("sha256").update(key).digest("hex").slice(0, length);
}

/** The default human name of a source: its workgroup and account. */
export function defaultSourceLabel(accountId: string, workgroup: string): string {
    return `${workgroup} (${accountId})`;
}

/** The IAM role name in a role ARN, with any path removed. */
export function roleNameFromArn(roleArn: string): string {
    const match = /^arn:[^:]+:iam::\d{12}:role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
    if (!match) {
        throw new Error(`"${roleArn}" is not an IAM role ARN`);
    }
    return match[1];
}

/** The account ID in an ARN, or undefined when the ARN carries none. */
export function accountOfArn(arn: string): string | undefined {
    const parts = arn.split(":");
    return parts.length >= 6 && /^\d{12}$/.test(parts[4]) ? parts[4] : undefined;
}

/** Control characters (line breaks, tabs, escapes): never part of a name or a prefix. */
export const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Characters that do not show, or show as something else: format and bidi controls (U+200B
 * zero-width space, U+202E right-to-left override, ...), every default-ignorable code point (the
 * Hangul fillers, variation selectors, soft hyphen), line and paragraph separators, private-use and
 * unassigned code points, every blank but the plain space (no-break, ideographic, ...) and the
 * Braille blank U+2800 (a symbol that draws nothing, not a space to Unicode). Two
 * names that differ only by these look the same to a reader and are different to Grafana and IAM.
 */
export const INVISIBLE = /[\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}\p{Default_Ignorable_Code_Point}\u2800]|[^\S ]/u;

/**
 * Unicode's confusables data (UTS #39 `confusables.txt`, as the `unhomoglyph` package ships it):
 * each code point that looks like another character or sequence, mapped to its prototype.
 */
const CONFUSABLES: Readonly<Record<string, string>> = confusables;

/**
 * UTS #39's skeleton of `text`: NFD, each code point replaced by its prototype, NFD again. Two
 * strings that look alike have the same skeleton ("fіnance" with a Cyrillic і, "rn" and "m",
 * "O" and "0"). Not meant to be read, only compared. Linear: one lookup per code point.
 */
export function skeleton(text: string): string {
    let out = "";
    for (const c of text.normalize("NFD")) out += Object.hasOwn(CONFUSABLES, c) ? CONFUSABLES[c] : c;
    return out.normalize("NFD");
}

/**
 * Nonspacing marks (Mn): a mark can be drawn where the reader sees nothing new (U+0307, a dot
 * above, on an i or a dotless ı is drawn as the i's own dot; UTS #39 section 5.4 lists such pairs
 * as look-alikes that its skeleton does not fold). So names are compared without them: "café" and
 * "cafe" are one name here, which refuses a pair of names a reader could tell apart, never the
 * other way round.
 */
const NONSPACING_MARK = /\p{Mn}/gu;

/**
 * The form in which two names people read are compared: NFKC (compatibility forms such as
 * full-width letters, ligatures and superscripts folded to their plain letters) and a full case
 * fold (upper then lower case, so that "ß" and "SS" meet), NFKC again after the fold, blanks
 * trimmed and collapsed, then the confusable skeleton (UTS #39), so that look-alike letters of
 * other scripts meet too, without nonspacing marks. "Sales", "SALES ", "Ｓａｌｅｓ" and "Sаles" (Cyrillic а) are
 * one name to a reader, so they are one name here: team names, data source names, labels and folder titles.
 */
export function nameKey(name: string): string {
    return skeleton(
        name.normalize("NFKC").toUpperCase().toLowerCase().normalize("NFKC").trim().replace(/\s+/g, " "),
    ).replace(NONSPACING_MARK, "");
}

/** Whether two names people read would be taken for the same name. */
export function sameName(a: string, b: string): boolean {
    return nameKey(a) === nameKey(b);
}

/** A Pulumi logical name made from a free-form key: readable prefix, stable hash suffix. */
export function childName(prefix: string, key: string): string {
    return `${prefix}-${childSuffix(key)}`;
}

/**
 * The part of `childName`'s names that `key` decides: the plan diff tells by it which source a resource is
 * for.
 */
export function childSuffix(key: string): string {
    const readable = key
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-|-$/g, "")
        .slice(0, 30);
    return `${readable}-${shortHash(key, 8)}`;
}
