import { Dataset } from '@mine/core';

/** The formats the loader reads. */
export type TableFormat = 'csv' | 'tsv' | 'json';

/** A loaded table: the source text is kept so the worker and the service can parse it the same way. */
export interface LoadedTable {
  name: string;
  format: TableFormat;
  text: string;
  dataset: Dataset;
}

/** Picks the format from the file name, falling back to the first non-blank character (`[`/`{` → JSON). */
export function detectFormat(name: string, text: string): TableFormat {
  const lower = name.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.tsv') || lower.endsWith('.tab')) return 'tsv';
  if (lower.endsWith('.csv') || lower.endsWith('.txt')) return 'csv';
  const first = text.trimStart()[0];
  return first === '[' || first === '{' ? 'json' : 'csv';
}

/**
 * Parses table text with core's Dataset (CSV/TSV: header required, delimiter
 * detected, unless TSV was named; JSON: records or columns). Throws core's
 * MineError unchanged, so the page shows core's message.
 */
export function parseTable(text: string, format: TableFormat): Dataset {
  if (format === 'json') return Dataset.parseJson(text);
  return Dataset.parse(text, format === 'tsv' ? { delimiter: '\t' } : {});
}

/** Reads and parses a File (from the picker or a drop). */
export async function loadFile(file: Blob & { name: string }): Promise<LoadedTable> {
  const text = await readText(file);
  const format = detectFormat(file.name, text);
  return { name: file.name, format, text, dataset: parseTable(text, format) };
}

/**
 * A file's text as UTF-8. FileReader rather than `Blob.text()`: it is in every
 * browser this page targets and in jsdom, where the component tests run.
 */
export function readText(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(new Error(`could not read the file: ${reader.error?.message ?? 'unknown error'}`));
    reader.readAsText(file);
  });
}
