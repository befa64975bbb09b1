import { getEstimator, listEstimators, selectXY, type EstimateResult, type ProgressEvent } from '@mine/core';
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { DataPreview } from './components/DataPreview.js';
import { ErrorAlert } from './components/ErrorAlert.js';
import { FileLoader } from './components/FileLoader.js';
import { ParamsFields, fieldId } from './components/ParamsFields.js';
import { RankBars } from './components/RankBars.js';
import { ResultCard } from './components/ResultCard.js';
import { ScatterPlot } from './components/ScatterPlot.js';
import { TrainingChart, type CurvePoint } from './components/TrainingChart.js';
import { toUserError, type UserError } from './errors.js';
import type { LoadedTable } from './load.js';
import { defaultValues, fieldsFromJsonSchema, validateParams, valuesToParams, type FormValues, type SafeParseSchema } from './params-form.js';
import type { RankedFeature } from './protocol.js';
import { detectService, runOnService } from './service.js';
import { EstimatorClient, type RunHandle, type RunRequest } from './worker-client.js';

/** Where runs happen. */
export type RunTarget = 'browser' | 'service';
type Mode = 'estimate' | 'rank';
type Status = 'idle' | 'running' | 'cancelling' | 'cancelled' | 'done' | 'failed';

const STATUS_TEXT: Record<Status, string> = {
  idle: 'Ready.',
  running: 'Running…',
  cancelling: 'Cancelling…',
  cancelled: 'Cancelled.',
  done: 'Done.',
  failed: 'Failed.',
};

/** Estimator catalogue, read once from core (ids, titles, JSON Schemas). */
const ESTIMATORS = listEstimators();

/** Values a new estimator inherits from the previous one: the common parameters. */
const CARRIED = ['seed', 'units'];

function makeClient(): EstimatorClient {
  return new EstimatorClient(() => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'mine-estimator' }));
}

/** Selected options of a `<select multiple>`. */
const selected = (el: HTMLSelectElement): string[] => Array.from(el.selectedOptions, (o) => o.value);

/** A labelled column picker: a multi-select (sized to the columns, 3–6 rows) or, with `single`, a drop-down. */
function ColumnSelect(props: {
  id: string;
  label: string;
  names: readonly string[];
  value: string[];
  onChange: (names: string[]) => void;
  disabled: boolean;
  single?: boolean;
}) {
  const { id, label, names, value, onChange, disabled, single } = props;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        multiple={!single}
        size={single ? undefined : Math.min(6, Math.max(3, names.length))}
        value={single ? value[0] ?? '' : value}
        onChange={(e) => onChange(selected(e.currentTarget))}
        disabled={disabled}
      >
        {names.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The page: load → choose columns and estimator → run in the worker (or on the service) → result. */
export function App() {
  const [table, setTable] = useState<LoadedTable | null>(null);
  const [mode, setMode] = useState<Mode>('estimate');
  const [xCols, setXCols] = useState<string[]>([]);
  const [yCols, setYCols] = useState<string[]>([]);
  const [target, setTarget] = useState('');
  const [features, setFeatures] = useState<string[]>([]);
  const [estimatorId, setEstimatorId] = useState('auto');
  const fields = useMemo(() => fieldsFromJsonSchema(ESTIMATORS.find((e) => e.id === estimatorId)!.paramsJsonSchema), [estimatorId]);
  const [values, setValues] = useState<FormValues>(() => defaultValues(fields));
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [runTarget, setRunTarget] = useState<RunTarget>('browser');
  const [serviceAvailable, setServiceAvailable] = useState(false);

  const [status, setStatus] = useState<Status>('idle');
  const [progress, setProgress] = useState<ProgressEvent | null>(null);
  const [curve, setCurve] = useState<CurvePoint[]>([]);
  const [result, setResult] = useState<{ result: EstimateResult; table: LoadedTable } | null>(null);
  const [ranking, setRanking] = useState<{ ranking: RankedFeature[]; target: string } | null>(null);
  const [runError, setRunError] = useState<UserError | null>(null);
  const [note, setNote] = useState('');

  const client = useRef<EstimatorClient | null>(null);
  const handle = useRef<RunHandle | null>(null);

  useEffect(() => {
    void detectService().then(setServiceAvailable);
    return () => {
      // A run on the service would go on (and set state) after the page is gone: cancel it too.
      handle.current?.cancel();
      handle.current = null;
      client.current?.dispose();
    };
  }, []);

  const onLoad = (t: LoadedTable): void => {
    // A run on the previous table must not land its result under the new one.
    if (handle.current) {
      handle.current.cancel();
      handle.current = null;
      setStatus('cancelled');
      setNote('The run on the previous table was cancelled when a new table was loaded.');
    }
    setTable(t);
    const names = t.dataset.names;
    setXCols(names.slice(0, 1));
    setYCols(names.slice(1, 2));
    setTarget(names[names.length - 1] ?? '');
    setFeatures([]);
    setResult(null);
    setRanking(null);
    setRunError(null);
  };

  const onEstimator = (id: string): void => {
    const next = fieldsFromJsonSchema(ESTIMATORS.find((e) => e.id === id)!.paramsJsonSchema);
    const carried: FormValues = {};
    for (const f of next) {
      const v = values[f.name];
      // seed and units carry over when the new schema accepts the value (nmi/ami only take nats).
      if (CARRIED.includes(f.name) && v !== undefined && (f.kind !== 'enum' || f.options?.includes(String(v)))) carried[f.name] = v;
    }
    setEstimatorId(id);
    setValues({ ...defaultValues(next), ...carried });
    setFieldErrors({});
  };

  const onField = (name: string, v: string | boolean): void => {
    setValues((old) => ({ ...old, [name]: v }));
    setFieldErrors(({ [name]: _gone, ...rest }) => rest);
  };

  const running = status === 'running' || status === 'cancelling';

  const onSubmit = (e: FormEvent): void => {
    e.preventDefault();
    if (running) return;
    setRunError(null);
    if (!table) {
      setRunError({ code: 'INVALID_INPUT', message: 'load a table first (choose a file, drop one, or load the example)' });
      return;
    }
    // The form's text → params, then the estimator's own zod schema: the same checks estimate() makes.
    const conv = valuesToParams(fields, values);
    const errors = { ...validateParams(getEstimator(estimatorId).schema as unknown as SafeParseSchema, conv.params), ...conv.errors };
    setFieldErrors(errors);
    const firstBad = fields.find((f) => errors[f.name] !== undefined);
    if (firstBad) {
      document.getElementById(fieldId(firstBad.name))?.focus();
      return;
    }
    // Column problems (empty or overlapping selection, empty cells, NaN) are core's to find; checking
    // here gives the message at once instead of after a round trip through the worker.
    if (mode === 'rank' && !target) {
      setRunError({ code: 'EMPTY_SELECTION', message: 'choose a target column' });
      return;
    }
    try {
      if (mode === 'estimate') selectXY(table.dataset, xCols, yCols);
    } catch (err) {
      setRunError(toUserError(err));
      return;
    }
    const config = { estimator: estimatorId, ...conv.params };
    const request: RunRequest =
      mode === 'estimate'
        ? { type: 'estimate', text: table.text, format: table.format, x: xCols, y: yCols, config }
        : { type: 'rank', text: table.text, format: table.format, target, features, config };

    setStatus('running');
    setProgress(null);
    setCurve([]);
    setResult(null);
    setRanking(null);
    setNote('');
    const onProgress = (ev: ProgressEvent): void => {
      setProgress(ev);
      const train = ev.values?.['train'];
      // The closing event carries only the final value, not a step's bounds: not a curve point.
      if (train !== undefined) {
        const validation = ev.values?.['validation'];
        setCurve((c) => [...c, validation === undefined ? { step: ev.done, train } : { step: ev.done, train, validation }]);
      }
    };
    let h: RunHandle;
    if (runTarget === 'service') h = runOnService(request, onProgress);
    else {
      client.current ??= makeClient();
      h = client.current.run(request, onProgress);
    }
    handle.current = h;
    const runTable = table;
    const runTargetName = target;
    void h.outcome.then((o) => {
      if (handle.current !== h) return;
      handle.current = null;
      if (o.kind === 'result') {
        setResult({ result: o.result, table: runTable });
        setStatus('done');
      } else if (o.kind === 'ranking') {
        setRanking({ ranking: o.ranking, target: runTargetName });
        setStatus('done');
      } else if (o.kind === 'cancelled') {
        setStatus('cancelled');
        if (o.terminated) setNote('The worker did not stop within a second, so it was restarted.');
      } else {
        setRunError(o.error);
        if (o.error.field && fields.some((f) => f.name === o.error.field)) setFieldErrors({ [o.error.field]: o.error.message });
        setStatus('failed');
      }
    });
  };

  const onCancel = (): void => {
    if (!handle.current || status !== 'running') return;
    setStatus('cancelling');
    handle.current.cancel();
  };

  const names = table?.dataset.names ?? [];
  const info = ESTIMATORS.find((e) => e.id === estimatorId)!;
  const pct = progress?.total ? Math.min(100, (100 * progress.done) / progress.total) : undefined;
  const lastTrain = progress?.values?.['train'];
  const lastVal = progress?.values?.['validation'];
  const scatter = result && result.result.columns.x[0] !== undefined && result.result.columns.y[0] !== undefined ? result : null;

  return (
    <div className="app">
      <header className="masthead">
        <h1>mine</h1>
        <p>Mutual information between columns of a table, estimated in your browser.</p>
      </header>
      <main className="layout">
        <div className="column">
          <FileLoader onLoad={onLoad} />
          {table && <DataPreview dataset={table.dataset} name={table.name} />}
          <form className="card settings" onSubmit={onSubmit} aria-labelledby="settings-title" noValidate>
            <h2 id="settings-title">Estimate</h2>
            <fieldset className="mode">
              <legend>What to compute</legend>
              <label>
                <input type="radio" name="mode" value="estimate" checked={mode === 'estimate'} onChange={() => setMode('estimate')} /> I(X; Y) for chosen columns
              </label>
              <label>
                <input type="radio" name="mode" value="rank" checked={mode === 'rank'} onChange={() => setMode('rank')} /> Rank features against one target
              </label>
            </fieldset>
            {mode === 'estimate' ? (
              <div className="columns-pick">
                <ColumnSelect id="x-cols" label="X columns" names={names} value={xCols} onChange={setXCols} disabled={!table} />
                <ColumnSelect id="y-cols" label="Y columns" names={names} value={yCols} onChange={setYCols} disabled={!table} />
              </div>
            ) : (
              <div className="columns-pick">
                <ColumnSelect id="target-col" label="Target" names={names} value={[target]} onChange={(v) => setTarget(v[0] ?? '')} disabled={!table} single />
                <ColumnSelect
                  id="feature-cols"
                  label="Features (none chosen = all others)"
                  names={names.filter((n) => n !== target)}
                  value={features}
                  onChange={setFeatures}
                  disabled={!table}
                />
              </div>
            )}
            <div className="field">
              <label htmlFor="estimator">Estimator</label>
              <select id="estimator" value={estimatorId} onChange={(e) => onEstimator(e.currentTarget.value)}>
                {ESTIMATORS.map((e) => (
                  <option key={e.id} value={e.id}>
                    {e.id} — {e.title}
                  </option>
                ))}
              </select>
              <small className="aside">{info.description}</small>
            </div>
            <ParamsFields key={estimatorId} fields={fields} values={values} errors={fieldErrors} onChange={onField} />
            {serviceAvailable && (
              <fieldset className="mode">
                <legend>Run</legend>
                <label>
                  <input type="radio" name="target" value="browser" checked={runTarget === 'browser'} onChange={() => setRunTarget('browser')} /> in this browser
                </label>
                <label>
                  <input type="radio" name="target" value="service" checked={runTarget === 'service'} onChange={() => setRunTarget('service')} /> on the service
                </label>
              </fieldset>
            )}
            <div className="actions">
              <button type="submit" className="primary" disabled={running} data-testid="run">
                Run
              </button>
              <button type="button" onClick={onCancel} disabled={status !== 'running'} data-testid="cancel">
                Cancel
              </button>
            </div>
          </form>
        </div>
        <div className="column">
          <section className="card progress-card" aria-labelledby="progress-title">
            <h2 id="progress-title">Progress</h2>
            <p role="status" aria-live="polite" data-testid="status" data-status={status}>
              {STATUS_TEXT[status]} {note}
            </p>
            {progress && (
              <>
                <label className="progress-label" htmlFor="progress-bar">
                  {progress.done} / {progress.total ?? '?'} {progress.unit}
                  {lastTrain !== undefined && ` · train ${lastTrain.toFixed(3)}`}
                  {lastVal !== undefined && ` · validation ${lastVal.toFixed(3)}`}
                  {progress.etaSeconds !== undefined && running && ` · ${progress.etaSeconds.toFixed(0)} s left`}
                </label>
                <progress id="progress-bar" max={100} value={pct} data-testid="progress" data-done={progress.done} />
              </>
            )}
            {(curve.length > 0 || (running && mode === 'estimate')) && <TrainingChart points={curve} />}
          </section>
          <div aria-live="polite">
            {runError && <ErrorAlert error={runError} testId="run-error" />}
            {result && <ResultCard result={result.result} />}
            {ranking && <RankBars ranking={ranking.ranking} target={ranking.target} />}
          </div>
          {scatter && (
            <section className="card" aria-labelledby="scatter-title">
              <h2 id="scatter-title">
                {scatter.result.columns.y[0]} against {scatter.result.columns.x[0]}
              </h2>
              <ScatterPlot
                xs={scatter.table.dataset.column(scatter.result.columns.x[0]!).values}
                ys={scatter.table.dataset.column(scatter.result.columns.y[0]!).values}
                xLabel={scatter.result.columns.x[0]!}
                yLabel={scatter.result.columns.y[0]!}
              />
            </section>
          )}
        </div>
      </main>
    </div>
  );
}
