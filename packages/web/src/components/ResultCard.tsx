import { toUnits, type EstimateResult } from '@mine/core';
import { MAIN_PARAMS } from '../params-form.js';

const KIND_TEXT: Record<EstimateResult['kind'], string> = {
  point: 'point estimate',
  'lower-bound': 'lower bound (variational)',
  'upper-bound': 'upper bound (variational)',
  score: 'score (unitless)',
};

/** A number for display: 4 decimals, or 3 significant digits for tiny magnitudes. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toPrecision(3);
}

/** A value in nats shown in the result's units (a score is shown as is). */
function inUnits(r: EstimateResult, nats: number): number {
  return r.units === 'bits' ? toUnits(nats, 'bits') : nats;
}

function paramText(v: unknown): string {
  return Array.isArray(v) ? `[${v.join(', ')}]` : String(v);
}

/**
 * The result card: value and units, the CI when there is one, the estimator
 * and its key parameters, n, time, and the diagnostics (warnings styled).
 * `data-value` holds the exact value in nats (`String(result.value)`
 * round-trips a double), for tests and scripts that read the page.
 */
export function ResultCard({ result }: { result: EstimateResult }) {
  const r = result;
  const unitText = r.units === 'unitless' ? '' : ` ${r.units}`;
  const keyParams = MAIN_PARAMS.filter((p) => p !== 'units' && p in r.params);
  return (
    <section className="card result" aria-labelledby="result-title" data-testid="result" data-value={String(r.value)} data-units={r.units}>
      <h2 id="result-title">
        I({r.columns.x.join(', ')}; {r.columns.y.join(', ')})
      </h2>
      <p className="value">
        <span data-testid="value">{formatNumber(r.valueInUnits)}</span>
        {unitText}
        <span className="kind"> · {KIND_TEXT[r.kind]}</span>
      </p>
      {r.units === 'bits' && <p className="aside">= {formatNumber(r.value)} nats</p>}
      {r.ci && (
        <p data-testid="ci">
          {Math.round(r.ci.level * 100)}% CI [{formatNumber(inUnits(r, r.ci.lower))}, {formatNumber(inUnits(r, r.ci.upper))}]{unitText}{' '}
          <span className="aside">({r.ci.method})</span>
        </p>
      )}
      {r.pValue !== undefined && <p>p-value {formatNumber(r.pValue)}</p>}
      <dl className="facts">
        <dt>estimator</dt>
        <dd data-testid="estimator">{r.estimator}</dd>
        <dt>n</dt>
        <dd data-testid="n">{r.n}</dd>
        <dt>dimensions</dt>
        <dd>
          x {r.dims.x}, y {r.dims.y}
        </dd>
        <dt>time</dt>
        <dd data-testid="seconds">{r.seconds.toFixed(2)} s</dd>
        {keyParams.map((p) => (
          <div key={p} className="fact">
            <dt>{p}</dt>
            <dd>{paramText(r.params[p])}</dd>
          </div>
        ))}
      </dl>
      {r.diagnostics.length > 0 && (
        <>
          <h3>Diagnostics</h3>
          <ul className="diagnostics" data-testid="diagnostics">
            {r.diagnostics.map((d, i) => (
              <li key={i} className={`diag diag-${d.severity}`}>
                <span className="diag-badge">{d.severity === 'warning' ? '⚠ warning' : 'ℹ info'}</span> <code>{d.code}</code> {d.message}
              </li>
            ))}
          </ul>
        </>
      )}
      <details>
        <summary>All parameters</summary>
        <pre>{JSON.stringify(r.params, null, 2)}</pre>
      </details>
    </section>
  );
}
