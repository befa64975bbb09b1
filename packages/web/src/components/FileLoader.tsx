import { useId, useRef, useState, type DragEvent } from 'react';
import { toUserError, type UserError } from '../errors.js';
import { loadFile, parseTable, type LoadedTable } from '../load.js';
import { ErrorAlert } from './ErrorAlert.js';

/** Props of {@link FileLoader}. */
export interface FileLoaderProps {
  onLoad(table: LoadedTable): void;
  /** URL of the bundled example CSV. @default './sensors.csv' */
  exampleUrl?: string;
}

/**
 * Loads a CSV/TSV/JSON table by file picker, drag-and-drop or the bundled
 * example, parsing it with core's Dataset. A bad file shows core's message
 * (and hint) in an alert and keeps the previous table.
 */
export function FileLoader({ onLoad, exampleUrl = './sensors.csv' }: FileLoaderProps) {
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<UserError | null>(null);
  const [dragging, setDragging] = useState(false);
  const [busy, setBusy] = useState(false);

  const accept = async (load: () => Promise<LoadedTable>): Promise<void> => {
    setBusy(true);
    try {
      const t = await load();
      setError(null);
      onLoad(t);
    } catch (e) {
      setError(toUserError(e));
    } finally {
      setBusy(false);
    }
  };

  const onFiles = (files: FileList | null): void => {
    const f = files?.[0];
    if (f) void accept(() => loadFile(f));
  };

  const onDrop = (e: DragEvent<HTMLDivElement>): void => {
    e.preventDefault();
    setDragging(false);
    onFiles(e.dataTransfer.files);
  };

  const loadExample = (): Promise<void> =>
    accept(async () => {
      const res = await fetch(exampleUrl);
      if (!res.ok) throw new Error(`could not fetch the example (${res.status})`);
      const text = await res.text();
      return { name: 'sensors.csv', format: 'csv', text, dataset: parseTable(text, 'csv') };
    });

  return (
    <section className="card loader" aria-labelledby="loader-title">
      <h2 id="loader-title">Data</h2>
      <div
        className={`dropzone${dragging ? ' dragging' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="dropzone"
      >
        <p>Drop a CSV, TSV or JSON file here, or</p>
        <label htmlFor={inputId} className="button">
          Choose a file…
        </label>
        <input
          id={inputId}
          ref={input}
          className="visually-hidden"
          type="file"
          accept=".csv,.tsv,.tab,.txt,.json,text/csv,text/tab-separated-values,application/json"
          data-testid="file-input"
          onChange={(e) => {
            onFiles(e.currentTarget.files);
            // Choosing the same file again must reload it.
            e.currentTarget.value = '';
          }}
        />
        <button type="button" onClick={() => void loadExample()} disabled={busy}>
          Load example (sensors.csv)
        </button>
      </div>
      {error && <ErrorAlert error={error} testId="load-error" />}
    </section>
  );
}
