/**
 * ARN fields as tiny automata, to tell whether a policy's ARN (with `*` and `?`) and a resource
 * type's ARN format from the IAM catalog (with `${Placeholder}`s) can name the same resource. Pure.
 */

/** Whether a policy value uses IAM's wildcards (`*`, `?`). */
export const hasWildcard = (s: string) => /[*?]/.test(s);

/**
 * One ARN field as a tiny automaton. Request side: literals, `*` (zero or more), `?` (one).
 * Catalog side: literals and `${Placeholder}` (one or more characters; when the placeholder is the
 * whole field, characters other than `:` and `/`), as in @cloud-copilot/iam-utils.
 */
type Token = { t: "lit"; c: string } | { t: "star" } | { t: "one" } | { t: "var"; anySep: boolean };
export type ArnPattern = Token[][];

export function arnValueTokens(field: string): Token[] {
    return [...field.toLowerCase()].map((c): Token =>
        c === "*" ? { t: "star" } : c === "?" ? { t: "one" } : { t: "lit", c },
    );
}

export function compileArnPattern(arn: string): ArnPattern {
    const parts = arn.split(":");
    const fields = [parts[1] ?? "", parts[2] ?? "", parts[3] ?? "", parts[4] ?? "", parts.slice(5).join(":")];
    return fields.map((field) => {
        const pieces = field.split(/(\$\{[^}]+\})/);
        const single = pieces.length === 3 && pieces[0] === "" && pieces[2] === "";
        const tokens: Token[] = [];
        pieces.forEach((piece, i) => {
            if (i % 2 === 1) tokens.push({ t: "var", anySep: !single });
            else
                for (const c of piece.toLowerCase()) tokens.push(c === "*" ? { t: "star" } : { t: "lit", c });
        });
        return tokens;
    });
}

/** Whether some string is matched by both token lists (field of an ARN value, field of a format). */
export function fieldsIntersect(a: readonly Token[], b: readonly Token[]): boolean {
    const width = b.length + 1;
    const seen = new Uint8Array((a.length + 1) * width);
    const stack: number[] = [0, 0];
    const consumes = (x: Token, y: Token): boolean => {
        // x: request-side token that consumes one char; y: catalog-side token that consumes one char.
        if (x.t === "lit" && y.t === "lit") return x.c === y.c;
        if (x.t === "lit" && y.t === "var") return y.anySep || (x.c !== ":" && x.c !== "/");
        return true; // `*`/`?` on one side meet anything the other side can consume
    };
    while (stack.length) {
        const j = stack.pop()!;
        const i = stack.pop()!;
        const idx = i * width + j;
        if (seen[idx]) continue;
        seen[idx] = 1;
        if (i === a.length && j === b.length) return true;
        const x = a[i];
        const y = b[j];
        // epsilon moves
        if (x?.t === "star") stack.push(i + 1, j);
        if (y?.t === "star") stack.push(i, j + 1);
        if (!x || !y) continue;
        // each side consumes one character
        const nextI = [x.t === "star" ? i : i + 1];
        const nextJ = y.t === "var" ? [j, j + 1] : y.t === "star" ? [j] : [j + 1];
        if (consumes(x, y)) for (const ni of nextI) for (const nj of nextJ) stack.push(ni, nj);
    }
    return false;
}
