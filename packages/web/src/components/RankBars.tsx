import type { RankedFeature } from '../protocol.js';
import { formatNumber } from './ResultCard.js';

/**
 * The ranking as horizontal bars in plain HTML/CSS: a list a screen reader
 * reads in order (feature, value), with bar lengths proportional to the
 * value (negative estimates get an empty bar; their number still shows).
 * Core's `rankFeatures` already sorts, most informative first.
 */
export function RankBars({ ranking, target }: { ranking: readonly RankedFeature[]; target: string }) {
  const first = ranking[0]?.result;
  const units = first && first.units !== 'unitless' ? first.units : '';
  const max = Math.max(1e-12, ...ranking.map((f) => f.result.valueInUnits));
  return (
    <section className="card ranking" aria-labelledby="rank-title" data-testid="ranking">
      <h2 id="rank-title">Features ranked by I(feature; {target})</h2>
      <p className="aside">
        estimator {first?.estimator ?? '?'}
        {units && `, ${units}`}
      </p>
      <ol className="bars">
        {ranking.map((f) => {
          const v = f.result.valueInUnits;
          const pct = Math.max(0, Math.min(100, (v / max) * 100));
          return (
            <li key={f.feature} className="bar-row" data-feature={f.feature} data-value={String(f.result.value)}>
              <span className="bar-label">{f.feature}</span>
              <span className="bar-track" aria-hidden="true">
                <span className="bar-fill" style={{ width: `${pct}%` }} />
              </span>
              <span className="bar-value">
                {formatNumber(v)}
                {units && ` ${units}`}
              </span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
