/**
 * Reading a table: a file path or `-` (stdin), CSV / TSV / JSON chosen by
 * extension, else by content (JSON starts with `[` or `{`). Parsing itself is
 * core's `Dataset.parse` / `Dataset.parseJson`.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { Dataset } from '@mine/core';
import { UsageError } from './errors.js';

/** Input formats; `auto` decides by extension, then by content. */
export type InputFormat = 'auto' | 'csv' | 'tsv' | 'json';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new UsageError('FILE is - but nothing is piped into stdin', {
      hint: "pipe a table in, e.g. 'cat data.csv | mine estimate - --x a --y b'",
    });
  }
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The text of `file` (`-` = stdin). A missing or unreadable file is a usage error naming it. */
export async function readText(file: string): Promise<string> {
  if (file === '-') return readStdin();
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`file not found: ${file}`, { hint: 'check the path (use - to read stdin)' });
    if (code === 'EISDIR') throw new UsageError(`${file} is a directory, not a data file`, { hint: 'give a CSV, TSV or JSON file' });
    if (code === 'EACCES') throw new UsageError(`cannot read ${file}: permission denied`, { hint: 'check the file permissions' });
    // Any other system error on the user's path (ENOTDIR, ENAMETOOLONG, ELOOP, …) is still a bad path, not a bug.
    if (typeof code === 'string') throw new UsageError(`cannot read ${file}: ${(e as Error).message}`, { hint: 'check the path (use - to read stdin)' });
    throw e;
  }
}

/** Parses `text` as `format` (auto: by `file`'s extension, then by the first non-blank character). */
export function parseTable(text: string, file: string, format: InputFormat = 'auto'): Dataset {
  let fmt = format;
  if (fmt === 'auto') {
    const ext = file === '-' ? '' : extname(file).toLowerCase();
    if (ext === '.json') fmt = 'json';
    else if (ext === '.tsv' || ext === '.tab') fmt = 'tsv';
    else if (ext === '.csv') fmt = 'csv';
    else fmt = /^\s*[[{]/.test(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) ? 'json' : 'csv';
  }
  if (fmt === 'json') return Dataset.parseJson(text);
  // csv: core detects the delimiter (`,` tab `;` `|`); tsv: force tabs.
  return fmt === 'tsv' ? Dataset.parse(text, { delimiter: '\t' }) : Dataset.parse(text);
}

/** Reads and parses a table. */
export async function loadTable(file: string, format: InputFormat = 'auto'): Promise<Dataset> {
  return parseTable(await readText(file), file, format);
}
