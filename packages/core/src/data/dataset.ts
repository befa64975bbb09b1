/**
 * `Dataset`: a named, column-oriented table (one Float64Array per column) that
 * frontends load once and then select X and Y from by name or glob.
 *
 * Numeric columns hold their values; categorical columns (any text cell) hold
 * integer codes 0..K−1 as doubles, in order of first appearance, with
 * `categories[code]` the label. Empty cells and missing-value markers are NaN;
 * they are only an error once a column holding one is selected into a
 * `Variable` (an empty cell in a column nobody uses is fine). The cell rules
 * are the same for every builder and are documented in `./csv.ts`.
 */
import picomatch from 'picomatch';
import { MineError } from '../errors.js';
import type { Variable } from '../interface.js';
import { ColumnBuilder, parseDelimited } from './csv.js';
import type { BuiltColumn, ParseOptions } from './csv.js';

export type { ParseOptions } from './csv.js';

/**
 * One column of a Dataset. `values` has length `nRows`; do not mutate it (it
 * may be the caller's own array, see `Dataset.fromColumns`).
 */
export interface Column {
  readonly name: string;
  /** Numbers, or category codes 0..K−1 (as doubles) for categorical columns; NaN = empty / missing. */
  readonly values: Float64Array;
  readonly kind: 'numeric' | 'categorical';
  /** Categorical only: `categories[code]` is the label of code `code`. */
  readonly categories?: readonly string[];
}

/** A cell in `head()`: numbers as numbers, categories as their labels, empty / missing as null. */
export type PreviewCell = number | string | null;

/** Per-column summary from `describe()` (for previews). */
export interface ColumnSummary {
  name: string;
  kind: 'numeric' | 'categorical';
  /** Distinct non-missing values; for numeric columns counted up to `DESCRIBE_DISTINCT_CAP`. */
  distinct: number;
  /** True when counting stopped at the cap (the column has more distinct values than `distinct`). */
  distinctCapped: boolean;
  /** Empty cells plus missing-value markers (NaN). */
  missing: number;
  /** Smallest / largest numeric value (±Infinity included); null for categorical or all-missing columns. */
  min: number | null;
  max: number | null;
  /** Categorical columns that also hold numbers: the first text cell (1-based row), i.e. why the column is not numeric. */
  firstText?: { row: number; value: string };
}

/** Numeric distinct values counted by `describe()` before it stops. */
export const DESCRIBE_DISTINCT_CAP = 10_000;

interface StoredColumn extends Column {
  /** 0-based row of the first empty cell, −1 when none. */
  readonly firstEmpty: number;
  readonly firstText?: { row: number; value: string };
}

/** Values `fromColumns` accepts for one column. */
export type ColumnInput = ArrayLike<number> | readonly (string | number | null)[];

/**
 * An immutable table of named columns, all of length `nRows`.
 *
 * Build it with `Dataset.parse` (CSV/TSV text), `Dataset.parseJson`,
 * `Dataset.fromColumns`, `Dataset.fromRows` or `Dataset.fromRecords`; then
 * `select('x*')` names columns and `variable(names)` (or `selectXY`) gives the
 * row-major `Variable`s estimators take.
 */
export class Dataset {
  /** Number of rows (the header is not a row). */
  readonly nRows: number;
  /** Column names, in the source's order. */
  readonly names: readonly string[];
  /** For parsed text: the delimiter used (given or detected); undefined otherwise. */
  readonly delimiter: string | undefined;
  private readonly cols: ReadonlyMap<string, StoredColumn>;
  /** 1-based file line of a 1-based row, for text sources. */
  private readonly lineOf: ((row: number) => number) | undefined;

  private constructor(nRows: number, columns: readonly StoredColumn[], delimiter?: string, lineOf?: (row: number) => number) {
    this.nRows = nRows;
    this.names = Object.freeze(columns.map((c) => c.name));
    this.cols = new Map(columns.map((c) => [c.name, c]));
    this.delimiter = delimiter;
    this.lineOf = lineOf;
  }

  // -------------------------------------------------------------------------
  // Builders

  /**
   * From named columns of equal length. A `Float64Array` is kept as is (not
   * copied: do not mutate it afterwards); other typed arrays are converted to
   * Float64Array. Plain arrays follow the cell rules: numbers, strings (numeric
   * text is a number, other text makes the column categorical), null = empty.
   * Throws LENGTH_MISMATCH naming the first column whose length differs.
   */
  static fromColumns(record: Readonly<Record<string, ColumnInput>>): Dataset {
    const names = Object.keys(record);
    checkNames(names);
    let n: number | undefined;
    const columns: StoredColumn[] = [];
    for (const name of names) {
      const input = record[name]!;
      if (input === null || typeof input !== 'object' || typeof input.length !== 'number') {
        throw new MineError('INVALID_INPUT', `column '${name}' must be an array or a typed array`, { column: name });
      }
      if (n === undefined) n = input.length;
      else if (input.length !== n) {
        throw new MineError(
          'LENGTH_MISMATCH',
          `column '${name}' has ${input.length} values but column '${names[0]}' has ${n}`,
          { column: name },
        );
      }
      if (input instanceof Float64Array) {
        columns.push(Object.freeze({ name, values: input, kind: 'numeric', firstEmpty: -1 }));
      } else if (ArrayBuffer.isView(input) && !(input instanceof BigInt64Array) && !(input instanceof BigUint64Array)) {
        const values = Float64Array.from(input as ArrayLike<number>);
        columns.push(Object.freeze({ name, values, kind: 'numeric', firstEmpty: -1 }));
      } else {
        const b = new ColumnBuilder(name, input.length);
        for (let i = 0; i < input.length; i++) b.pushValue((input as ArrayLike<unknown>)[i]);
        columns.push(built(b));
      }
    }
    return new Dataset(n ?? 0, columns);
  }

  /**
   * From rows (each an array of `names.length` cells: number, string or null)
   * and the column names. Throws DUPLICATE_COLUMN, and INVALID_INPUT naming
   * the first row of the wrong length.
   */
  static fromRows(rows: readonly (readonly (number | string | null)[])[], names: readonly string[]): Dataset {
    checkNames(names);
    const d = names.length;
    const builders = names.map((name) => new ColumnBuilder(name, rows.length));
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      if (!Array.isArray(row) || row.length !== d) {
        throw new MineError(
          'INVALID_INPUT',
          `row ${i + 1} has ${Array.isArray(row) ? row.length : 'no'} values, expected ${d} (one per column name)`,
          { row: i + 1 },
        );
      }
      for (let j = 0; j < d; j++) builders[j]!.pushValue(row[j]);
    }
    return new Dataset(rows.length, builders.map(built));
  }

  /**
   * From an array of records (e.g. parsed JSON). Columns are the union of the
   * records' keys in first-seen order; a key missing from a record is an
   * empty cell. Values: number, string, boolean (a category), null.
   */
  static fromRecords(records: readonly Record<string, unknown>[]): Dataset {
    const keys = new Map<string, ColumnBuilder>();
    for (let i = 0; i < records.length; i++) {
      const rec = records[i];
      if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) {
        throw new MineError('INVALID_INPUT', `record ${i + 1} is not an object`, { row: i + 1 });
      }
      for (const k of Object.keys(rec)) if (!keys.has(k)) keys.set(k, new ColumnBuilder(k, records.length));
    }
    checkNames([...keys.keys()]);
    const builders = [...keys.values()];
    for (const rec of records) {
      for (const b of builders) {
        b.pushValue(Object.prototype.hasOwnProperty.call(rec, b.name) ? rec[b.name] : undefined);
      }
    }
    return new Dataset(records.length, builders.map(built));
  }

  /**
   * Parses CSV/TSV text with a header line (rules in `./csv.ts`): delimiter
   * detected among `,` tab `;` `|` unless given, UTF-8 BOM stripped, CRLF
   * accepted, quoted fields may hold delimiters, quotes (`""`) and newlines.
   * Throws MISSING_HEADER, DUPLICATE_COLUMN, PARSE_ERROR (naming row and line).
   */
  static parse(text: string, opts: ParseOptions = {}): Dataset {
    const t = parseDelimited(text, opts);
    return new Dataset(t.nRows, t.columns.map(stored), t.delimiter, t.lineOf);
  }

  /**
   * Parses JSON: an array of records (`[{"x":1,"y":2}, …]`, as `fromRecords`)
   * or an object of equal-length column arrays (`{"x":[…],"y":[…]}`, as
   * `fromColumns`). Throws PARSE_ERROR for invalid JSON, INVALID_INPUT for
   * any other shape.
   */
  static parseJson(text: string): Dataset {
    let value: unknown;
    try {
      value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    } catch (e) {
      throw new MineError('PARSE_ERROR', `invalid JSON: ${(e as Error).message}`);
    }
    if (Array.isArray(value)) return Dataset.fromRecords(value as Record<string, unknown>[]);
    if (value !== null && typeof value === 'object' && Object.values(value).every((v) => Array.isArray(v))) {
      return Dataset.fromColumns(value as Record<string, (string | number | null)[]>);
    }
    throw new MineError('INVALID_INPUT', 'JSON data must be an array of records or an object of column arrays');
  }

  // -------------------------------------------------------------------------
  // Access

  /** True when a column of this exact name exists. */
  has(name: string): boolean {
    return this.cols.has(name);
  }

  /** The column `name`; UNKNOWN_COLUMN (with suggestions) when there is none. */
  column(name: string): Column {
    const c = this.cols.get(name);
    if (c === undefined) throw this.unknown(name, false);
    return c;
  }

  /**
   * Resolves a selection to column names.
   *
   * `selection` is a comma-separated list (or an array of such lists) of
   * terms; each term is an exact column name or a picomatch glob (`x*`,
   * `feat_?`, `{a,b}`, `x[0-9]`, `!y`). Rules:
   * - a term that is exactly a column name is that column, glob characters or
   *   not (a column literally named `x*` is selected by `x*`); so is a whole
   *   string or array element that is exactly a column name, commas and all;
   * - commas inside `{}`, `[]` or `()` do not split terms; whitespace around
   *   terms is trimmed; empty terms are ignored;
   * - `*` and `?` match any character, `/` included (names are not paths);
   * - result order is the terms' order, and the dataset's column order within
   *   a glob; a column selected twice is listed once.
   * A term matching nothing throws UNKNOWN_COLUMN naming it, listing columns
   * and, when one is within edit distance 2, suggesting it.
   */
  select(selection: string | readonly string[]): string[] {
    const out: string[] = [];
    const seen = new Set<string>();
    const add = (name: string): void => {
      if (!seen.has(name)) {
        seen.add(name);
        out.push(name);
      }
    };
    for (const term of this.terms(selection)) {
      if (this.cols.has(term)) {
        add(term);
        continue;
      }
      // scan() calls neither `!y` (negation) nor `x\*` (an escaped `*`, i.e. the
      // name `x*`) a glob, but both need picomatch.
      const scanned = picomatch.scan(term);
      if (!scanned.isGlob && !scanned.negated && !term.includes('\\')) throw this.unknown(term, false);
      // picomatch matches paths: '/' is a separator `*` never crosses. Column
      // names are not paths, so '/' is swapped for a private-use character in
      // both pattern and names.
      const isMatch = picomatch(unslash(term), { dot: true, windows: false });
      let any = false;
      for (const name of this.names) {
        if (isMatch(unslash(name))) {
          any = true;
          add(name);
        }
      }
      if (!any) throw this.unknown(term, true);
    }
    return out;
  }

  /**
   * The named columns as one row-major `Variable` (n = nRows, d = names.length;
   * `categorical[j]` true for categorical columns, whose values are codes).
   * Checks every value: the first (lowest row, then first in `names`) empty
   * cell → EMPTY_CELL, NaN → NAN_VALUE, ±Infinity → INFINITE_VALUE, each naming
   * the column and the 1-based row (and file line for parsed text). Throws
   * UNKNOWN_COLUMN, EMPTY_SELECTION (no names), DUPLICATE_COLUMN (a name twice).
   * Constant columns are not checked here (the registry does, per estimator).
   */
  variable(names: readonly string[]): Variable {
    const d = names.length;
    if (d === 0) throw new MineError('EMPTY_SELECTION', 'no columns selected');
    const cols = names.map((name) => this.column(name) as StoredColumn);
    const dup = names.find((name, j) => names.indexOf(name) !== j);
    if (dup !== undefined) {
      throw new MineError('DUPLICATE_COLUMN', `column '${dup}' is selected twice`, { column: dup });
    }
    const n = this.nRows;
    const data = new Float64Array(n * d);
    let badRow = n;
    let badCol = -1;
    for (let j = 0; j < d; j++) {
      const v = cols[j]!.values;
      for (let i = 0; i < n; i++) {
        const x = v[i]!;
        data[i * d + j] = x;
        // x − x is 0 for finite x, NaN for NaN and ±Infinity.
        if (x - x !== 0 && i < badRow) {
          badRow = i;
          badCol = j;
          break; // later rows of this column cannot be earlier; we throw below anyway
        }
      }
    }
    if (badCol >= 0) throw this.badValue(cols[badCol]!, badRow);
    return {
      data,
      n,
      d,
      names: [...names],
      categorical: cols.map((c) => c.kind === 'categorical'),
    };
  }

  /** The first `n` rows as records (labels for categorical cells, null for empty / missing), for previews. @default n = 5 */
  head(n = 5): Record<string, PreviewCell>[] {
    const rows: Record<string, PreviewCell>[] = [];
    const m = Math.max(0, Math.min(Math.floor(n), this.nRows));
    const cols = [...this.cols.values()];
    for (let i = 0; i < m; i++) {
      const row: Record<string, PreviewCell> = {};
      for (const c of cols) {
        const x = c.values[i]!;
        row[c.name] = x !== x ? null : c.categories ? (c.categories[x] ?? null) : x;
      }
      rows.push(row);
    }
    return rows;
  }

  /** A summary per column (kind, distinct count, missing count, min, max), for previews. */
  describe(): ColumnSummary[] {
    return [...this.cols.values()].map((c) => {
      const v = c.values;
      let missing = 0;
      let min = Infinity;
      let max = -Infinity;
      for (let i = 0; i < v.length; i++) {
        const x = v[i]!;
        if (x !== x) missing++;
        else {
          if (x < min) min = x;
          if (x > max) max = x;
        }
      }
      const present = missing < v.length;
      if (c.kind === 'categorical') {
        const s: ColumnSummary = {
          name: c.name,
          kind: c.kind,
          distinct: c.categories?.length ?? 0,
          distinctCapped: false,
          missing,
          min: null,
          max: null,
        };
        if (c.firstText) s.firstText = { row: c.firstText.row + 1, value: c.firstText.value };
        return s;
      }
      const distinct = new Set<number>();
      let capped = false;
      for (let i = 0; i < v.length; i++) {
        const x = v[i]!;
        if (x !== x) continue;
        distinct.add(x);
        if (distinct.size > DESCRIBE_DISTINCT_CAP) {
          capped = true;
          break;
        }
      }
      return {
        name: c.name,
        kind: c.kind,
        distinct: Math.min(distinct.size, DESCRIBE_DISTINCT_CAP),
        distinctCapped: capped,
        missing,
        min: present ? min : null,
        max: present ? max : null,
      };
    });
  }

  // -------------------------------------------------------------------------
  // Internals

  /** Splits a selection into trimmed, non-empty terms (see `select`). */
  private terms(selection: string | readonly string[]): string[] {
    const parts = typeof selection === 'string' ? [selection] : selection;
    const out: string[] = [];
    for (const part of parts) {
      const whole = part.trim();
      if (this.cols.has(whole)) {
        out.push(whole);
        continue;
      }
      let depth = 0;
      let start = 0;
      for (let i = 0; i <= part.length; i++) {
        const ch = part[i];
        if (ch === '\\') i++; // an escaped character never splits or nests
        else if (ch === '{' || ch === '[' || ch === '(') depth++;
        else if ((ch === '}' || ch === ']' || ch === ')') && depth > 0) depth--;
        else if (i === part.length || (ch === ',' && depth === 0)) {
          const term = part.slice(start, i).trim();
          if (term !== '') out.push(term);
          start = i + 1;
        }
      }
    }
    return out;
  }

  private unknown(term: string, glob: boolean): MineError {
    const shown = this.names.slice(0, 10).join(', ');
    const more = this.names.length > 10 ? `, … (${this.names.length - 10} more)` : '';
    const close = glob ? undefined : closestName(term, this.names);
    const what = glob ? `no column matches '${term}'` : `unknown column '${term}'`;
    return new MineError(
      'UNKNOWN_COLUMN',
      `${what}${close !== undefined ? ` (did you mean '${close}'?)` : ''}; columns: ${this.names.length > 0 ? shown + more : '(none)'}`,
      { column: term, hint: 'select columns by name or glob, comma-separated, e.g. "x1,x2" or "x*"' },
    );
  }

  private badValue(c: StoredColumn, i: number): MineError {
    const row = i + 1;
    const where = `row ${row}${this.lineOf ? ` (line ${this.lineOf(row)} of the file)` : ''}`;
    const x = c.values[i]!;
    if (i === c.firstEmpty) {
      return new MineError('EMPTY_CELL', `column '${c.name}' has an empty cell at ${where}`, {
        column: c.name,
        row,
        hint: 'fill or drop rows with empty cells, or leave this column out of the selection',
      });
    }
    if (x !== x) {
      return new MineError('NAN_VALUE', `column '${c.name}' has a missing value (NaN/NA) at ${where}`, {
        column: c.name,
        row,
        hint: 'remove or impute rows with missing values, or leave this column out of the selection',
      });
    }
    return new MineError('INFINITE_VALUE', `column '${c.name}' has an infinite value (${x}) at ${where}`, {
      column: c.name,
      row,
      hint: 'remove rows with infinite values, or transform the column',
    });
  }
}

/**
 * Selects X and Y from a dataset (each a `Dataset.select` selection) as
 * Variables. Throws EMPTY_SELECTION when a side selects no columns,
 * OVERLAPPING_SELECTION naming the column(s) on both sides, and whatever
 * `select` / `variable` throw (UNKNOWN_COLUMN, EMPTY_CELL, NAN_VALUE, INFINITE_VALUE).
 */
export function selectXY(
  ds: Dataset,
  x: string | readonly string[],
  y: string | readonly string[],
): { x: Variable; y: Variable } {
  const xs = ds.select(x);
  const ys = ds.select(y);
  for (const [side, names] of [['x', xs], ['y', ys]] as const) {
    if (names.length === 0) {
      throw new MineError('EMPTY_SELECTION', `no columns selected for ${side}`, {
        field: side,
        hint: `name the ${side} column(s), e.g. "x1,x2" or "x*"`,
      });
    }
  }
  const ySet = new Set(ys);
  const shared = xs.filter((name) => ySet.has(name));
  if (shared.length > 0) {
    throw new MineError(
      'OVERLAPPING_SELECTION',
      `column${shared.length > 1 ? 's' : ''} ${shared.map((s) => `'${s}'`).join(', ')} selected for both x and y`,
      { column: shared[0]!, hint: 'x and y must be disjoint sets of columns' },
    );
  }
  return { x: ds.variable(xs), y: ds.variable(ys) };
}

function built(b: ColumnBuilder): StoredColumn {
  return stored(b.finish());
}

function stored(c: BuiltColumn): StoredColumn {
  const out: { -readonly [K in keyof StoredColumn]: StoredColumn[K] } = {
    name: c.name,
    values: c.values,
    kind: c.kind,
    firstEmpty: c.firstEmpty,
  };
  if (c.categories) out.categories = Object.freeze(c.categories);
  if (c.firstText) out.firstText = c.firstText;
  return Object.freeze(out);
}

function checkNames(names: readonly string[]): void {
  const seen = new Set<string>();
  names.forEach((name, j) => {
    if (typeof name !== 'string' || name === '') {
      throw new MineError('INVALID_INPUT', `column name ${j + 1} is empty`);
    }
    if (seen.has(name)) throw new MineError('DUPLICATE_COLUMN', `column name '${name}' appears twice`, { column: name });
    seen.add(name);
  });
}

const SLASH_STAND_IN = '\uE000';

function unslash(s: string): string {
  return s.includes('/') ? s.replaceAll('/', SLASH_STAND_IN) : s;
}

/** The name closest to `term` within Levenshtein distance 2 (case differences count 0.5), if any. */
function closestName(term: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDist = 2.5;
  for (const name of names) {
    if (Math.abs(name.length - term.length) > 2) continue;
    const dist = name.toLowerCase() === term.toLowerCase() ? 0.5 : levenshtein(term, name);
    if (dist < bestDist) {
      bestDist = dist;
      best = name;
    }
  }
  return best;
}

/** Levenshtein edit distance (insert, delete, substitute; unit costs), two-row DP. */
function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}
