/**
 * How a generated panel shows its numbers: unit, decimals, thresholds, min and max, written into
 * its `fieldConfig.defaults` by the Foundation SDK's panel builders. Pure.
 */
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as units from "@grafana/grafana-foundation-sdk/units";

/**
 * Grafana's unit ids, from the Foundation SDK's `units` module (generated from Grafana's own list,
 * packages/grafana-data/src/valueFormats/categories.ts): `bytes`, `percent`, `currencyUSD`, ...
 */
export const UNIT_IDS: ReadonlySet<string> = new Set(
    (Object.values(units) as unknown[]).filter((u): u is string => typeof u === "string"),
);

/** The most decimals a panel shows (Grafana's field editor takes 0 and up; more than 10 says nothing). */
export const MAX_DECIMALS = 10;
/** At most this many threshold steps on one panel. */
export const MAX_THRESHOLDS = 20;
/** The colour below the first threshold when the list does not start with a step without a value. */
const BASE_THRESHOLD_COLOR = "green";

/**
 * A colour Grafana's threshold editor writes: a named colour of its visualization palette (six
 * hues, each plain or `super-light-`, `light-`, `semi-dark-`, `dark-`: grafana/grafana
 * packages/grafana-data/src/themes/createVisualizationColors.ts, `getDarkHues`), `text`,
 * `transparent`, or `#rrggbb`/`#rrggbbaa`.
 */
export const COLOR =
    /^(?:(?:(?:super-light|light|semi-dark|dark)-)?(?:red|orange|yellow|green|blue|purple)|text|transparent|#[0-9a-fA-F]{6}(?:[0-9a-fA-F]{2})?)$/;

interface ThresholdStep {
    /** Absent on the first step only: the colour below every threshold. */
    value?: number;
    color: string;
}

/** How a panel shows its values; every field optional. */
export interface FieldDisplay {
    unit?: string;
    decimals?: number;
    min?: number;
    max?: number;
    thresholds?: readonly ThresholdStep[];
}

/** Grafana's steps: a base step (value null) first, then the thresholds in ascending order. */
function thresholdSteps(steps: readonly ThresholdStep[]): dashboard.Threshold[] {
    const base = steps[0]?.value === undefined ? steps[0] : undefined;
    const rest = base === undefined ? steps : steps.slice(1);
    return [
        { value: null, color: base?.color ?? BASE_THRESHOLD_COLOR },
        ...rest.map((s) => ({ value: s.value!, color: s.color })),
    ];
}

/** What a panel builder offers for its field defaults (every panel type the program builds has them). */
export interface FieldDefaultsBuilder {
    unit(unit: string): unknown;
    decimals(decimals: number): unknown;
    min(min: number): unknown;
    max(max: number): unknown;
    thresholds(thresholds: dashboard.ThresholdsConfigBuilder): unknown;
}

/** Writes `display` into the panel's `fieldConfig.defaults`; leaves out what is not given. */
export function applyFieldDisplay(panel: FieldDefaultsBuilder, display: FieldDisplay): void {
    if (display.unit !== undefined) panel.unit(display.unit);
    if (display.decimals !== undefined) panel.decimals(display.decimals);
    if (display.min !== undefined) panel.min(display.min);
    if (display.max !== undefined) panel.max(display.max);
    if (display.thresholds !== undefined && display.thresholds.length > 0)
        panel.thresholds(
            new dashboard.ThresholdsConfigBuilder()
                .mode(dashboard.ThresholdsMode.Absolute)
                .steps(thresholdSteps(display.thresholds)),
        );
}
