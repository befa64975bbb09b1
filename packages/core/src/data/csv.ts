/**
 * Delimited-text ingestion (CSV, TSV, semicolon- and pipe-separated) for `Dataset.parse`.
 *
 * Papaparse does the tokenising (quotes, escaped quotes, newlines inside quoted
 * fields, CRLF); this module feeds it 64 KiB chunks and writes each chunk's
 * cells straight into one Float64Array per column (sized from the characters
 * per row seen so far), so a parsed table costs about 8 bytes per cell plus,
 * transiently, one chunk of strings. Numbers are read by JS's StringToNumber
 * (`+cell`, correctly rounded), so shortest round-trip text reads back bit-exact. No array of rows is ever kept:
 * a 1,000,000 × 10 numeric file ends up as ten 8 MB columns (bench/csv-load.mjs).
 *
 * Cell rules (shared with the `Dataset.from*` builders through `ColumnBuilder`):
 * - a cell is a number when `+cell` is (JS number syntax, surrounding whitespace
 *   allowed), except hex/binary/octal literals (`0x1F`), which are text;
 * - `inf`, `+inf`, `-inf`, `infinity` (any case; JS's `Infinity` too) are ±Infinity;
 * - an empty or whitespace-only cell is an *empty cell* (stored as NaN; reported
 *   as EMPTY_CELL if selected);
 * - `nan`, `-nan`, `na`, `n/a`, `#n/a`, `<na>`, `null` (any case) are *missing*
 *   (stored as NaN; reported as NAN_VALUE if selected), in every column, as in
 *   pandas' `read_csv` defaults;
 * - anything else is text, and one text cell makes the whole column categorical.
 *
 * Categorical columns hold codes 0..K−1 in order of first appearance. Text
 * cells are keyed by their trimmed string. Numeric-looking cells in a
 * categorical column are keyed by their *numeric value*, spelled `String(value)`:
 * `'1'`, `'1.0'` and `'01'` are one category named `'1'`. This is what makes the
 * numeric→categorical flip exact without keeping raw strings: values read
 * before the flip were stored as numbers, and re-keying them by `String(value)`
 * gives the same codes (and the same first-appearance order) as if the column
 * had been categorical from the first row. The cost is that such categories
 * show the canonical spelling, not the file's.
 *
 * Header rules: the first non-blank line names the columns (names are trimmed).
 * An empty header cell is named `column_<j>` (1-based), as R's `write.csv`
 * leaves the row-name column unnamed and that should not stop a load; a
 * duplicate name is DUPLICATE_COLUMN; a header whose cells are all numbers is
 * MISSING_HEADER (the file most likely has no header line).
 *
 * Blank lines: with two or more columns a blank (or whitespace-only) line is
 * skipped wherever it is, as pandas and R do. With one column a blank line is
 * an empty cell, except blank lines at the end of the text, which are dropped.
 * Rows are numbered 1-based among data rows (the header is not a row); error
 * messages also give the 1-based file line, which equals row + 1 unless blank
 * lines or newlines inside quoted fields shift it (they are counted).
 */
import Papa from 'papaparse';
import { MineError } from '../errors.js';

/** What papaparse's low-level `Parser.parse` returns (typed `any` in @types/papaparse). */
interface PapaChunk {
  data: string[][];
  errors: { code: string; message: string; row?: number }[];
  /** Absolute index just past the last complete row returned. */
  meta: { cursor: number };
}

/** Options of `parseDelimited` / `Dataset.parse`. */
export interface ParseOptions {
  /**
   * Field delimiter. `'tab'` and the two-character `'\\t'` mean a tab.
   * @default detected among `,` `\t` `;` `|` (see `detectDelimiter`)
   */
  delimiter?: string;
  /**
   * Characters handed to papaparse per chunk. Only tests change it (tiny
   * chunks exercise rows and quoted fields split across chunk boundaries).
   * @default 64 KiB
   */
  chunkSize?: number;
}

/** One finished column; `firstEmpty` etc. are kept for error messages. */
export interface BuiltColumn {
  name: string;
  values: Float64Array;
  kind: 'numeric' | 'categorical';
  /** `categories[code]` is the category's string; categorical columns only. */
  categories?: string[];
  /** 0-based index of the first empty cell, −1 when none (empty cells are NaN in `values`). */
  firstEmpty: number;
  /** For a categorical column that also holds numeric-looking cells: the first text cell (0-based row), which is why it is categorical. */
  firstText?: { row: number; value: string };
}

/** Result of `parseDelimited`. */
export interface ParsedTable {
  names: string[];
  nRows: number;
  columns: BuiltColumn[];
  /** The delimiter used (given or detected). */
  delimiter: string;
  /** 1-based file line of 1-based data row `row`. */
  lineOf(row: number): number;
}

// ---------------------------------------------------------------------------
// Cells

/** What a cell's text is (plain constants, not an enum: isolatedModules-friendly and inlined by V8 alike). */
const Cell = { Number: 0, Empty: 1, Missing: 2, Text: 3 } as const;
type Cell = (typeof Cell)[keyof typeof Cell];

// Out-parameter of classifyCell: the number, when the cell is one. A module
// variable instead of a returned tuple so the hot loop allocates nothing.
let cellValue = 0;

const MISSING_TOKENS = new Set(['nan', '-nan', '+nan', 'na', 'n/a', '#n/a', '<na>', 'null']);
const POS_INF_TOKENS = new Set(['inf', '+inf', 'infinity', '+infinity']);
const NEG_INF_TOKENS = new Set(['-inf', '-infinity']);
const RADIX_PREFIX = /^\s*0[xXbBoO]/;

/** Classifies one cell's text; for `Cell.Number` the value is left in `cellValue`. */
function classifyCell(s: string): Cell {
  // Fast path: JS number conversion. It trims whitespace itself, but also
  // accepts '' and '  ' (as 0) and 0x/0b/0o literals, which are caught below.
  const x = +s;
  if (x === x) {
    const c0 = s.charCodeAt(0);
    if (c0 === 48 /* '0' */) {
      const c1 = s.charCodeAt(1) | 32;
      if (c1 === 120 /* x */ || c1 === 98 /* b */ || c1 === 111 /* o */) return Cell.Text;
    } else if (c0 <= 32 && RADIX_PREFIX.test(s)) {
      return Cell.Text;
    }
    // Every real spelling of zero contains the digit 0; '' and whitespace do not.
    if (x === 0 && s.indexOf('0') === -1) return Cell.Empty;
    cellValue = x;
    return Cell.Number;
  }
  if (s.length > 12) return Cell.Text; // longer than any token below, even padded a little
  const t = s.trim().toLowerCase();
  if (MISSING_TOKENS.has(t)) return Cell.Missing;
  if (POS_INF_TOKENS.has(t)) {
    cellValue = Infinity;
    return Cell.Number;
  }
  if (NEG_INF_TOKENS.has(t)) {
    cellValue = -Infinity;
    return Cell.Number;
  }
  return Cell.Text;
}

/** True when the text of a cell reads as a number (±Infinity included) under the rules above. */
export function isNumericCell(s: string): boolean {
  return classifyCell(s) === Cell.Number;
}

/**
 * Accumulates one column, numeric until the first text cell, then categorical.
 * Values go into a Float64Array grown by doubling (or sized once by `reserve`).
 */
export class ColumnBuilder {
  readonly name: string;
  /** Cells pushed so far. */
  n = 0;
  private buf: Float64Array;
  /** Category key → code; undefined while the column is numeric. */
  private codes: Map<string, number> | undefined;
  private readonly cats: string[] = [];
  private firstEmpty = -1;
  private sawNumber = false;
  private firstText: { row: number; value: string } | undefined;

  constructor(name: string, capacity = 64) {
    this.name = name;
    this.buf = new Float64Array(Math.max(1, capacity));
  }

  /** Cells that fit before the buffer must grow. */
  get capacity(): number {
    return this.buf.length;
  }

  /** Makes room for `capacity` cells in total without further growth. */
  reserve(capacity: number): void {
    if (capacity > this.buf.length) this.resize(capacity);
  }

  /** A cell given as text (CSV, or a string in JS data). */
  pushText(s: string): void {
    if (this.n === this.buf.length) this.resize(this.buf.length * 2);
    const kind = classifyCell(s);
    if (kind === Cell.Number) {
      if (this.codes === undefined) this.buf[this.n++] = cellValue;
      else this.pushNumericCategory(cellValue);
    } else if (kind === Cell.Empty) {
      this.pushEmpty();
    } else if (kind === Cell.Missing) {
      this.buf[this.n++] = NaN;
    } else {
      this.pushCategory(s.trim());
    }
  }

  /** A JS number; NaN is a missing value (NAN_VALUE if selected). */
  pushNumber(x: number): void {
    if (this.n === this.buf.length) this.resize(this.buf.length * 2);
    if (this.codes === undefined || x !== x) this.buf[this.n++] = x;
    else this.pushNumericCategory(x);
  }

  /** An empty cell (blank text, JSON null, a missing key). */
  pushEmpty(): void {
    if (this.n === this.buf.length) this.resize(this.buf.length * 2);
    if (this.firstEmpty < 0) this.firstEmpty = this.n;
    this.buf[this.n++] = NaN;
  }

  /** A category label taken as is (booleans from JSON); flips the column to categorical. */
  pushCategory(key: string): void {
    if (this.n === this.buf.length) this.resize(this.buf.length * 2);
    if (this.codes === undefined) this.flip(key);
    this.buf[this.n] = this.codeOf(key);
    this.n++;
  }

  /**
   * A JS value from `fromRows`/`fromRecords`/`fromColumns`: null/undefined are
   * empty, numbers and strings as above, booleans and bigints as category /
   * number. Anything else is INVALID_INPUT naming the column and row.
   */
  pushValue(v: unknown): void {
    if (v === null || v === undefined) this.pushEmpty();
    else if (typeof v === 'number') this.pushNumber(v);
    else if (typeof v === 'string') this.pushText(v);
    else if (typeof v === 'boolean') this.pushCategory(String(v));
    else if (typeof v === 'bigint') this.pushNumber(Number(v));
    else {
      throw new MineError(
        'INVALID_INPUT',
        `column '${this.name}' row ${this.n + 1}: expected a number, string or null, got ${Array.isArray(v) ? 'an array' : typeof v}`,
        { column: this.name, row: this.n + 1 },
      );
    }
  }

  /** The finished column. The buffer is trimmed by a copy only when more than 1/16 of it is unused. */
  finish(): BuiltColumn {
    const { n, buf } = this;
    const values = buf.length === n ? buf : buf.length - n > n / 16 ? buf.slice(0, n) : buf.subarray(0, n);
    const out: BuiltColumn = {
      name: this.name,
      values,
      kind: this.codes === undefined ? 'numeric' : 'categorical',
      firstEmpty: this.firstEmpty,
    };
    if (this.codes !== undefined) {
      out.categories = this.cats;
      if (this.sawNumber && this.firstText) out.firstText = this.firstText;
    }
    return out;
  }

  private pushNumericCategory(x: number): void {
    this.sawNumber = true;
    this.buf[this.n] = this.codeOf(String(x));
    this.n++;
  }

  private codeOf(key: string): number {
    const codes = this.codes!;
    let code = codes.get(key);
    if (code === undefined) {
      code = this.cats.length;
      codes.set(key, code);
      this.cats.push(key);
    }
    return code;
  }

  // Numeric → categorical: re-key the numbers read so far by String(value), in
  // row order, so codes keep first-appearance order (see the module comment).
  private flip(firstTextValue: string): void {
    this.codes = new Map();
    this.firstText = { row: this.n, value: firstTextValue.length > 40 ? `${firstTextValue.slice(0, 40)}…` : firstTextValue };
    const buf = this.buf;
    for (let i = 0; i < this.n; i++) {
      const x = buf[i]!;
      if (x !== x) continue; // empty / missing stays NaN
      this.sawNumber = true;
      buf[i] = this.codeOf(String(x));
    }
  }

  private resize(capacity: number): void {
    const next = new Float64Array(capacity);
    next.set(this.buf.subarray(0, this.n));
    this.buf = next;
  }
}

// ---------------------------------------------------------------------------
// Delimiters

const CANDIDATES = ['\t', ',', ';', '|'] as const;

/** Printable name of a delimiter for messages. */
export function delimiterName(d: string): string {
  return d === '\t' ? 'tab' : `'${d}'`;
}

/**
 * Picks the delimiter of `text` among tab, comma, semicolon and pipe.
 *
 * Each candidate splits the first 30 lines (papaparse, quote-aware). A
 * candidate must give the header at least 2 fields; the winner has the most
 * data rows with the header's field count, then the most header fields, then
 * the earliest in tab, comma, semicolon, pipe. Ranking by consistency with the
 * *header* is what keeps TSV files with commas inside text fields working
 * (papaparse 5.7's own guess picks the comma when rows hold more commas than
 * tabs); tab wins exact ties
 * because tabs almost never occur inside CSV fields while commas often occur
 * inside TSV fields. Falls back to comma (a one-column file).
 */
export function detectDelimiter(text: string): string {
  const sampleLength = 64 * 1024;
  const truncated = text.length > sampleLength;
  const sample = truncated ? text.slice(0, sampleLength) : text;
  let best: string = ',';
  let bestConsistency = -1;
  let bestFields = 0;
  for (const delimiter of CANDIDATES) {
    if (sample.indexOf(delimiter) === -1) continue;
    const rows = Papa.parse<string[]>(sample, { delimiter, preview: 31, skipEmptyLines: 'greedy' }).data;
    // The last row of a cut sample may be cut too.
    if (truncated && rows.length > 1) rows.pop();
    const header = rows[0];
    if (header === undefined || header.length < 2) continue;
    let same = 0;
    for (let r = 1; r < rows.length; r++) if (rows[r]!.length === header.length) same++;
    const consistency = rows.length > 1 ? same / (rows.length - 1) : 1;
    if (consistency > bestConsistency || (consistency === bestConsistency && header.length > bestFields)) {
      best = delimiter;
      bestConsistency = consistency;
      bestFields = header.length;
    }
  }
  return best;
}

function normaliseDelimiter(d: string): string {
  if (d === 'tab' || d === '\\t') return '\t';
  if (d.length === 0 || d.includes('"') || d.includes('\n') || d.includes('\r')) {
    throw new MineError('INVALID_INPUT', `invalid delimiter ${JSON.stringify(d)}: it must be non-empty and contain no quote or newline`, {
      field: 'delimiter',
    });
  }
  return d;
}

// ---------------------------------------------------------------------------
// Parsing

/**
 * Row → file-line map. Lines drift from rows only at skipped blank lines and
 * newlines inside quoted fields, so it stores just the change points.
 */
class LineMap {
  private readonly rows: number[] = [0];
  private readonly offsets: number[];
  constructor(offset: number) {
    this.offsets = [offset];
  }
  /** From 0-based data row `row0` on, line = row0 + 1 + offset. */
  set(row0: number, offset: number): void {
    const last = this.rows.length - 1;
    if (this.rows[last] === row0) this.offsets[last] = offset;
    else {
      this.rows.push(row0);
      this.offsets.push(offset);
    }
  }
  /** 1-based line of the 1-based data row. */
  lineOf(row: number): number {
    const row0 = row - 1;
    let lo = 0;
    let hi = this.rows.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.rows[mid]! <= row0) lo = mid;
      else hi = mid - 1;
    }
    return row + this.offsets[lo]!;
  }
}

function countNewlines(fields: readonly string[]): number {
  let count = 0;
  for (const f of fields) {
    let at = f.indexOf('\n');
    while (at !== -1) {
      count++;
      at = f.indexOf('\n', at + 1);
    }
  }
  return count;
}

function isBlankRow(fields: readonly string[]): boolean {
  return fields.length === 1 && fields[0]!.trim() === '';
}

/** Names from the header cells: trimmed, blanks named `column_<j>`, duplicates rejected. */
function headerNames(cells: readonly string[], line: number): string[] {
  const names = cells.map((c) => c.trim());
  const firstAt = new Map<string, number>();
  names.forEach((name, j) => {
    if (name === '') return;
    const prev = firstAt.get(name);
    if (prev !== undefined) {
      throw new MineError(
        'DUPLICATE_COLUMN',
        `column name '${name}' appears twice in the header (columns ${prev + 1} and ${j + 1}, line ${line})`,
        { column: name, hint: 'give every column a distinct name' },
      );
    }
    firstAt.set(name, j);
  });
  names.forEach((name, j) => {
    if (name !== '') return;
    let auto = `column_${j + 1}`;
    while (firstAt.has(auto)) auto += '_';
    firstAt.set(auto, j);
    names[j] = auto;
  });
  const nonEmpty = cells.filter((c) => c.trim() !== '');
  if (nonEmpty.length > 0 && nonEmpty.every((c) => isNumericCell(c))) {
    const shown = `${cells.slice(0, 3).join(', ')}${cells.length > 3 ? ', …' : ''}`;
    throw new MineError('MISSING_HEADER', `the first line (line ${line}) holds numbers (${shown}), not column names`, {
      hint:
        'the first line must name the columns, e.g. "x,y"; ' +
        'if the columns really are named by numbers, rename them (e.g. "y2020")',
    });
  }
  return names;
}

/**
 * The line break of `text`: `\r\n`, `\r` or `\n`. Ported from papaparse's
 * `guessLineEndings` (its string streamer guesses it; the low-level Parser
 * needs it given): quoted fields are blanked out, then `\r\n` wins when most
 * `\r` are followed by `\n`, and `\n` wins when it comes before any `\r`.
 */
function guessNewline(text: string): '\n' | '\r\n' | '\r' {
  const sample = text.slice(0, 1 << 20).replace(/"[^"]*"/g, '');
  const r = sample.split('\r');
  const n = sample.split('\n');
  if (r.length === 1 || (n.length > 1 && n[0]!.length < r[0]!.length)) return '\n';
  let withN = 0;
  for (let i = 0; i < r.length; i++) if (r[i]![0] === '\n') withN++;
  return withN >= r.length / 2 ? '\r\n' : '\r';
}

/**
 * Parses delimited text with a header line into columns (see the module comment
 * for the rules). Throws MineError: MISSING_HEADER, DUPLICATE_COLUMN,
 * PARSE_ERROR (wrong field count, bad quotes; names the row and line),
 * INVALID_INPUT (bad delimiter option).
 */
export function parseDelimited(text: string, options: ParseOptions = {}): ParsedTable {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const delimiter = options.delimiter !== undefined ? normaliseDelimiter(options.delimiter) : detectDelimiter(text);
  const chunkSize = Math.max(1, Math.floor(options.chunkSize ?? 64 * 1024));
  const hasQuote = text.indexOf('"') !== -1;

  let names: string[] | undefined;
  let builders: ColumnBuilder[] = [];
  let d = 0;
  let nRows = 0;
  // Data row r (1-based) sits on file line r + offset.
  let offset = 0;
  let lines: LineMap | undefined;
  let pendingBlank = 0; // one-column files: blank lines not yet known to be interior
  let papaRow = 0; // rows papaparse delivered so far, header and blanks included

  const parseError = (message: string, row: number | undefined, line: number): MineError =>
    new MineError('PARSE_ERROR', row !== undefined ? `row ${row} (line ${line}): ${message}` : `line ${line}: ${message}`, {
      ...(row !== undefined ? { row } : {}),
      hint: `check the quoting and the delimiter (${delimiterName(delimiter)}${options.delimiter === undefined ? ', detected' : ''})`,
    });

  // The chunk loop of papaparse's ChunkStreamer, driven here instead of by
  // Papa.parse(text, { chunk }): that streamer recurses once per chunk and each
  // pending frame keeps its chunk's strings alive, which tripled peak memory on
  // a 100 MB file (bench/csv-load.mjs) and overflows the stack on tiny chunks.
  // `Papa.Parser` is papaparse's exported (and typed) low-level tokenizer;
  // `ignoreLastRow` holds back a possibly incomplete last row, which is
  // re-parsed with the next chunk from `meta.cursor` on.
  const parser = new Papa.Parser({ delimiter, newline: guessNewline(text), quoteChar: '"' });
  let partial = '';
  let base = 0;
  for (let pos = 0; pos < text.length || pos === 0; ) {
    const end = Math.min(pos + chunkSize, text.length);
    const finished = end === text.length;
    const input = partial + text.slice(pos, end);
    const results = parser.parse(input, base, !finished) as PapaChunk;
    pos = end;
    if (!finished) {
      partial = input.slice(results.meta.cursor - base);
      base = results.meta.cursor;
    }
    const data = results.data;
    let errorAt = Infinity;
    let errorMessage = '';
    for (const e of results.errors) {
      if (e.row !== undefined && e.row < errorAt) {
        errorAt = e.row;
        errorMessage = e.message;
      }
    }
    for (let r = 0; r < data.length; r++) {
      const fields = data[r]!;
      if (r === errorAt) {
        const line = names === undefined ? papaRow + 1 : nRows + pendingBlank + 1 + offset;
        throw parseError(errorMessage.toLowerCase(), names === undefined ? undefined : nRows + pendingBlank + 1, line);
      }
      papaRow++;
      const blank = isBlankRow(fields);
      if (names === undefined) {
        offset++; // the header line, or a blank line before it
        if (blank) continue;
        names = headerNames(fields, offset);
        d = names.length;
        builders = names.map((name) => new ColumnBuilder(name));
        if (hasQuote) offset += countNewlines(fields);
        lines = new LineMap(offset);
        continue;
      }
      if (blank) {
        if (d === 1) pendingBlank++;
        else lines!.set(nRows, ++offset);
        continue;
      }
      for (; pendingBlank > 0; pendingBlank--) {
        builders[0]!.pushEmpty();
        nRows++;
      }
      if (fields.length !== d) {
        const found = `found ${fields.length} field${fields.length === 1 ? '' : 's'}, expected ${d} like the header`;
        throw parseError(found, nRows + 1, nRows + 1 + offset);
      }
      for (let j = 0; j < d; j++) builders[j]!.pushText(fields[j]!);
      nRows++;
      if (hasQuote) {
        const extra = countNewlines(fields);
        if (extra > 0) lines!.set(nRows, (offset += extra));
      }
    }
    // Size the columns from the characters per row read so far instead of
    // doubling, so a large file ends at most ~2% oversized (no 2× overshoot,
    // no copy at the end): re-estimated whenever less than two chunks' rows fit.
    const capacity = builders[0]?.capacity ?? 0;
    if (!finished && nRows > 0 && capacity - nRows < 2 * (nRows / Math.max(1, base)) * chunkSize) {
      const estimate = Math.ceil(nRows * (text.length / Math.max(1, base)) * 1.02) + 16;
      for (const b of builders) b.reserve(estimate);
    }
    if (finished) break;
  }

  if (names === undefined) {
    throw new MineError('MISSING_HEADER', 'the text is empty: no header line', {
      hint: 'the first line must name the columns, e.g. "x,y"',
    });
  }
  // Trailing blank lines of a one-column file are dropped (pendingBlank ignored).
  const lineMap = lines!;
  return {
    names,
    nRows,
    columns: builders.map((b) => b.finish()),
    delimiter,
    lineOf: (row) => lineMap.lineOf(row),
  };
}
