/**
 * Text helpers shared by the ink components and the plain (non-TTY) output:
 * numbers, durations, bars, sparklines, tables. No colours here; the
 * components add them.
 */
import { toUnits, type EstimateResult } from '@mine/core';

/** Sparkline glyphs, lowest to highest. */
export const SPARK = '▁▂▃▄▅▆▇█';

/**
 * A sparkline of `values` (the last `width` of them), scaled between their
 * min and max; a flat series is drawn at the middle. NaN / ±Inf are skipped.
 *
 *     sparkline([0.1, 0.3, 0.5, 0.6, 0.62]) === '▁▄▆██'
 */
export function sparkline(values: readonly number[], width = 40): string {
  const v = values.filter((x) => Number.isFinite(x)).slice(-width);
  if (v.length === 0) return '';
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  if (hi - lo < 1e-12) return SPARK[3]!.repeat(v.length);
  return v.map((x) => SPARK[Math.min(7, Math.floor(((x - lo) / (hi - lo)) * 7 + 0.5))]!).join('');
}

/**
 * A progress bar of `width` cells for `fraction` in [0, 1], with eighth-cell
 * resolution: `bar(0.5, 10) === '█████     '`.
 */
export function bar(fraction: number, width: number): string {
  const f = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0));
  const eighths = Math.round(f * width * 8);
  const full = Math.floor(eighths / 8);
  const rest = eighths % 8;
  const partial = rest > 0 ? '▏▎▍▌▋▊▉'[rest - 1]! : '';
  return ('█'.repeat(full) + partial).padEnd(width, ' ');
}

/** Seconds as `0.42 s`, `12.3 s`, `2m 05s`. */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 10) return `${seconds.toFixed(2)} s`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - 60 * m);
  return `${m}m ${String(s).padStart(2, '0')}s`;
}

/** A number with `digits` decimals, `–` when not finite. */
export function num(v: number | undefined, digits = 4): string {
  return v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
}

/** `I(temp; humidity)`. */
export function miLabel(r: Pick<EstimateResult, 'columns'>): string {
  return `I(${r.columns.x.join(',')}; ${r.columns.y.join(',')})`;
}

/** nats → the result's units (scores are unitless and stay as they are). */
export function inUnits(r: Pick<EstimateResult, 'units'>, nats: number): number {
  return r.units === 'bits' ? toUnits(nats, 'bits') : nats;
}

/** Parameters shown on the card, per kind of estimator (the rest is in --json). */
const KEY_PARAMS: Record<string, readonly string[]> = {
  neural: ['backend', 'hidden', 'batchSize', 'steps', 'lr', 'earlyStop', 'repeats'],
  infonce: ['backend', 'critic', 'hidden', 'embedDim', 'activation', 'batchSize', 'validationBatch', 'steps', 'lr', 'earlyStop', 'repeats'],
};
const NEURAL = new Set(['mine', 'dv', 'nwj', 'smile']);

/** `k=3 algorithm=1`: the key parameters of a result, for the card. */
export function keyParams(r: Pick<EstimateResult, 'estimator' | 'params'>): string {
  const keys = r.estimator === 'infonce' ? KEY_PARAMS['infonce']! : NEURAL.has(r.estimator) ? KEY_PARAMS['neural']! : undefined;
  const entries = Object.entries(r.params).filter(([k]) => (keys ? keys.includes(k) : k !== 'units'));
  return entries.map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`).join(' ');
}

/** The lines of a result card, without the frame. `warnings` are the diagnostic lines (shown in yellow). */
export interface CardLines {
  title: string;
  value: string;
  ci?: string;
  lines: string[];
  warnings: string[];
}

/**
 * The content of the result card:
 *
 *     I(temp; humidity) = 0.7572 nats  (1.0924 bits)
 *     95% CI [0.7012, 0.8132]  (t-over-repeats)
 *     estimator  ksg (point)  k=3 algorithm=1 jitter=1e-10 standardize=true seed=0
 *     n          2000 rows · 0.05 s
 *     ⚠ TIES: …
 */
export function cardLines(r: EstimateResult): CardLines {
  const unit = r.units === 'unitless' ? '' : ` ${r.units}`;
  const other = r.units === 'bits' ? `  (${num(r.value)} nats)` : r.units === 'nats' ? `  (${num(r.bits)} bits)` : '';
  const out: CardLines = {
    title: miLabel(r),
    value: `${num(r.valueInUnits)}${unit}${other}`,
    lines: [],
    warnings: [],
  };
  if (r.ci) {
    out.ci = `${Math.round(r.ci.level * 100)}% CI [${num(inUnits(r, r.ci.lower))}, ${num(inUnits(r, r.ci.upper))}]${unit}  (${r.ci.method})`;
  }
  out.lines.push(`estimator  ${r.estimator} (${r.kind})  ${keyParams(r)}`);
  out.lines.push(`n          ${r.n} rows · ${duration(r.seconds)}`);
  if (r.details && typeof r.details['steps'] === 'number') {
    // Core's training details describe the first run when there are repeats; the bound is in nats.
    const repeats = r.params['repeats'];
    const which = typeof repeats === 'number' && repeats > 1 ? ` (first of ${repeats} runs)` : '';
    out.lines.push(
      `training   ${r.details['steps']} steps${which}, best at ${r.details['bestStep'] ?? '–'}, train bound ${num(r.details['trainBound'])} nats`,
    );
  }
  if (r.pValue !== undefined) out.lines.push(`p-value    ${r.pValue.toPrecision(3)}`);
  for (const d of r.diagnostics) {
    if (d.severity === 'warning') out.warnings.push(`⚠ ${d.code}: ${d.message}`);
    else out.lines.push(`· ${d.code}: ${d.message}`);
  }
  return out;
}

/** Pads cells into aligned columns; `right[j]` right-aligns column j. */
export function table(rows: readonly (readonly string[])[], right: readonly boolean[] = []): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((c, j) => (widths[j] = Math.max(widths[j] ?? 0, [...c].length)));
  return rows.map((row) =>
    row
      .map((c, j) => {
        const pad = (widths[j] ?? 0) - [...c].length;
        return right[j] ? ' '.repeat(pad) + c : c + ' '.repeat(pad);
      })
      .join('  ')
      .trimEnd(),
  );
}
