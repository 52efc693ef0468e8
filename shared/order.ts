/**
 * The one order of names this repository sorts by: UTF-16 code units, as `<` compares strings.
 * Unlike `localeCompare`, it is the same on every machine and in every locale, so plans, policies
 * and comments come out byte for byte the same.
 */
export function byCodeUnits(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}
