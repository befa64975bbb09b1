import { MineError } from './errors.js';
import type { Variable, VariableInput } from './interface.js';

/**
 * Normalises any accepted input into a `Variable` (row-major Float64Array).
 * Always copies, so estimators may work in place and callers' arrays are never mutated.
 *
 * - `number[]` / typed array: n samples of a 1-D variable.
 * - `number[][]`: rows, each of the same length d.
 * - `{data, rows, cols}`: row-major matrix.
 *
 * @param side `'x'` or `'y'`: used in error messages and default column names.
 */
export function toVariable(input: VariableInput, side: string): Variable {
  if (isVariable(input)) {
    return {
      data: Float64Array.from(input.data),
      n: input.n,
      d: input.d,
      names: [...input.names],
      categorical: [...input.categorical],
    };
  }
  if (ArrayBuffer.isView(input)) {
    const data = Float64Array.from(input as ArrayLike<number>);
    return { data, n: data.length, d: 1, names: [side], categorical: [false] };
  }
  if (Array.isArray(input)) {
    const arr = input as readonly unknown[];
    if (arr.length === 0) return { data: new Float64Array(0), n: 0, d: 1, names: [side], categorical: [false] };
    if (Array.isArray(arr[0])) {
      const rows = arr as readonly (readonly number[])[];
      const d = rows[0]!.length;
      if (d === 0) throw new MineError('INVALID_INPUT', `${side} has rows with no values`);
      const data = new Float64Array(rows.length * d);
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i];
        if (!Array.isArray(row) || row.length !== d) {
          throw new MineError(
            'INVALID_INPUT',
            `${side} row ${i + 1} has ${Array.isArray(row) ? row.length : 'no'} values, expected ${d} like row 1`,
            { row: i + 1 },
          );
        }
        for (let j = 0; j < d; j++) data[i * d + j] = numberAt(row[j], side, i, j);
      }
      return { data, n: rows.length, d, names: defaultNames(side, d), categorical: new Array<boolean>(d).fill(false) };
    }
    const data = new Float64Array(arr.length);
    for (let i = 0; i < arr.length; i++) data[i] = numberAt(arr[i], side, i, 0);
    return { data, n: arr.length, d: 1, names: [side], categorical: [false] };
  }
  if (input && typeof input === 'object' && 'data' in input && 'rows' in input && 'cols' in input) {
    const { data, rows, cols, names } = input;
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 1 || data.length !== rows * cols) {
      throw new MineError(
        'INVALID_INPUT',
        `${side}: matrix of ${rows}×${cols} needs ${rows * cols} values, got ${data.length}`,
      );
    }
    return {
      data: Float64Array.from(data),
      n: rows,
      d: cols,
      names: names ? [...names] : defaultNames(side, cols),
      categorical: new Array<boolean>(cols).fill(false),
    };
  }
  throw new MineError('INVALID_INPUT', `${side} must be an array of numbers, an array of rows, a typed array or a Variable`);
}

function isVariable(v: unknown): v is Variable {
  return (
    typeof v === 'object' &&
    v !== null &&
    'data' in v &&
    'n' in v &&
    'd' in v &&
    'names' in v &&
    'categorical' in v
  );
}

function numberAt(v: unknown, side: string, i: number, j: number): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  throw new MineError('INVALID_INPUT', `${side} row ${i + 1}, column ${j + 1} is not a number (${JSON.stringify(v)})`, {
    row: i + 1,
  });
}

function defaultNames(side: string, d: number): string[] {
  return d === 1 ? [side] : Array.from({ length: d }, (_, j) => `${side}${j}`);
}

/** Column j of a variable as a new Float64Array. */
export function column(v: Variable, j: number): Float64Array {
  const out = new Float64Array(v.n);
  for (let i = 0; i < v.n; i++) out[i] = v.data[i * v.d + j]!;
  return out;
}

/** Builds a variable from columns (each length n). */
export function fromColumns(cols: readonly ArrayLike<number>[], names: readonly string[], categorical?: readonly boolean[]): Variable {
  const d = cols.length;
  const n = d === 0 ? 0 : cols[0]!.length;
  const data = new Float64Array(n * d);
  for (let j = 0; j < d; j++) {
    const c = cols[j]!;
    for (let i = 0; i < n; i++) data[i * d + j] = c[i]!;
  }
  return { data, n, d, names: [...names], categorical: categorical ? [...categorical] : new Array<boolean>(d).fill(false) };
}

/** Concatenates two variables column-wise ([X, Y]), with the same n. */
export function hstack(a: Variable, b: Variable): Variable {
  const d = a.d + b.d;
  const data = new Float64Array(a.n * d);
  for (let i = 0; i < a.n; i++) {
    for (let j = 0; j < a.d; j++) data[i * d + j] = a.data[i * a.d + j]!;
    for (let j = 0; j < b.d; j++) data[i * d + a.d + j] = b.data[i * b.d + j]!;
  }
  return { data, n: a.n, d, names: [...a.names, ...b.names], categorical: [...a.categorical, ...b.categorical] };
}

/**
 * Checks every value is finite; throws a MineError naming the column and the
 * 1-based row of the first NaN or ±Inf.
 */
export function assertFinite(v: Variable): void {
  const { data, n, d } = v;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const x = data[i * d + j]!;
      if (Number.isFinite(x)) continue;
      const col = v.names[j] ?? `column ${j + 1}`;
      if (Number.isNaN(x)) {
        throw new MineError('NAN_VALUE', `column '${col}' has a missing or NaN value at row ${i + 1}`, {
          column: col,
          row: i + 1,
          hint: 'remove or impute rows with missing values before estimating',
        });
      }
      throw new MineError('INFINITE_VALUE', `column '${col}' has an infinite value (${x}) at row ${i + 1}`, {
        column: col,
        row: i + 1,
      });
    }
  }
}

/** Throws CONSTANT_COLUMN for the first column with a single distinct value (it carries no information and breaks standardisation). */
export function assertNotConstant(v: Variable): void {
  for (let j = 0; j < v.d; j++) {
    const first = v.data[j]!;
    let constant = true;
    for (let i = 1; i < v.n; i++) {
      if (v.data[i * v.d + j] !== first) {
        constant = false;
        break;
      }
    }
    if (constant && v.n > 0) {
      const col = v.names[j] ?? `column ${j + 1}`;
      throw new MineError('CONSTANT_COLUMN', `column '${col}' is constant (every value is ${first})`, {
        column: col,
        hint: 'a constant column carries no information; leave it out of the selection',
      });
    }
  }
}

/**
 * Standardises each column to mean 0 and unit variance (population variance), in a new variable.
 * Continuous estimators call this first, so results do not depend on the columns' scales.
 */
export function standardize(v: Variable): Variable {
  const { n, d } = v;
  const out = new Float64Array(v.data.length);
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += v.data[i * d + j]!;
    mean /= n;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const c = v.data[i * d + j]! - mean;
      ss += c * c;
    }
    const sd = Math.sqrt(ss / n);
    const inv = sd > 0 ? 1 / sd : 1;
    for (let i = 0; i < n; i++) out[i * d + j] = (v.data[i * d + j]! - mean) * inv;
  }
  return { ...v, data: out };
}

/** Takes rows `idx` of a variable (for permutations, bootstrap, subsampling). */
export function takeRows(v: Variable, idx: ArrayLike<number>): Variable {
  const { d } = v;
  const out = new Float64Array(idx.length * d);
  for (let r = 0; r < idx.length; r++) {
    const i = idx[r]!;
    for (let j = 0; j < d; j++) out[r * d + j] = v.data[i * d + j]!;
  }
  return { ...v, data: out, n: idx.length };
}
