import type { Dataset } from '@mine/core';

/** The first rows of the table, with each column's type from core's `Dataset.describe()`. */
export function DataPreview({ dataset, name, rows = 5 }: { dataset: Dataset; name: string; rows?: number }) {
  const summary = dataset.describe();
  const head = dataset.head(rows);
  return (
    <section className="card preview" aria-labelledby="preview-title">
      <h2 id="preview-title">Preview</h2>
      <p className="aside" data-testid="table-shape">
        {name}: {dataset.nRows} rows, {dataset.names.length} columns
      </p>
      <div className="table-scroll" tabIndex={0} role="region" aria-label="Preview of the first rows">
        <table>
          <caption className="visually-hidden">First {head.length} rows of {name}</caption>
          <thead>
            <tr>
              {summary.map((c) => (
                <th key={c.name} scope="col">
                  {c.name}
                  <span className={`type type-${c.kind}`} data-testid={`type-${c.name}`}>
                    {c.kind}
                  </span>
                  {c.missing > 0 && <span className="type type-missing">{c.missing} missing</span>}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {head.map((row, i) => (
              <tr key={i}>
                {summary.map((c) => (
                  <td key={c.name}>{row[c.name] === null ? <span className="aside">—</span> : String(row[c.name])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
