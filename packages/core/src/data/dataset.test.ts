import { describe, expect, it } from 'vitest';
import { MineError } from '../errors.js';
import { Dataset, selectXY } from './dataset.js';

/** The MineError `fn` throws (fails the test if it throws nothing or something else). */
function mineError(fn: () => unknown): MineError {
  try {
    fn();
  } catch (e) {
    if (e instanceof MineError) return e;
    throw e;
  }
  throw new Error('expected a MineError');
}

const values = (ds: Dataset, name: string): number[] => Array.from(ds.column(name).values);

describe('builders', () => {
  it('fromColumns keeps a Float64Array without copying and converts other typed arrays', () => {
    const x = new Float64Array([1, 2, 3]);
    const ds = Dataset.fromColumns({ x, i: new Int32Array([4, 5, 6]), s: ['a', 'b', 'a'], m: [1, null, '3'] });
    expect(ds.column('x').values).toBe(x);
    expect(ds.column('i').values).toBeInstanceOf(Float64Array);
    expect(values(ds, 'i')).toEqual([4, 5, 6]);
    expect(ds.column('s').kind).toBe('categorical');
    expect(ds.column('s').categories).toEqual(['a', 'b']);
    expect(values(ds, 's')).toEqual([0, 1, 0]);
    // Numeric text in JS arrays follows the CSV cell rules; null is an empty cell.
    expect(ds.column('m').kind).toBe('numeric');
    expect(values(ds, 'm')).toEqual([1, NaN, 3]);
    expect(ds.nRows).toBe(3);
    expect(ds.names).toEqual(['x', 'i', 's', 'm']);
  });

  it('fromColumns rejects columns of different lengths, naming the column', () => {
    const e = mineError(() => Dataset.fromColumns({ a: [1, 2, 3], b: [1, 2] }));
    expect(e.code).toBe('LENGTH_MISMATCH');
    expect(e.column).toBe('b');
  });

  it('fromRows reads rows under the given names and rejects ragged rows', () => {
    const ds = Dataset.fromRows(
      [
        [1, 'u', null],
        [2, 'v', 7],
      ],
      ['n', 'g', 'z'],
    );
    expect(values(ds, 'n')).toEqual([1, 2]);
    expect(ds.column('g').categories).toEqual(['u', 'v']);
    expect(values(ds, 'z')).toEqual([NaN, 7]);
    const e = mineError(() => Dataset.fromRows([[1, 2], [3]], ['a', 'b']));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.row).toBe(2);
    expect(mineError(() => Dataset.fromRows([[1, 2]], ['a', 'a'])).code).toBe('DUPLICATE_COLUMN');
  });

  it('fromRecords takes the union of keys in first-seen order; a missing key is an empty cell', () => {
    const ds = Dataset.fromRecords([{ a: 1, b: 2 }, { b: 3, c: true }, { a: 4, c: false, b: 5 }]);
    expect(ds.names).toEqual(['a', 'b', 'c']);
    expect(values(ds, 'a')).toEqual([1, NaN, 4]);
    expect(values(ds, 'b')).toEqual([2, 3, 5]);
    expect(ds.column('c').categories).toEqual(['true', 'false']);
    expect(values(ds, 'c')).toEqual([NaN, 0, 1]);
    const e = mineError(() => ds.variable(['a']));
    expect(e.code).toBe('EMPTY_CELL');
    expect(e.row).toBe(2);
    expect(e.column).toBe('a');
    expect(mineError(() => Dataset.fromRecords([{ a: { nested: 1 } }])).code).toBe('INVALID_INPUT');
  });

  it('parseJson reads arrays of records and objects of columns', () => {
    const rec = Dataset.parseJson('[{"x":1,"y":"a"},{"x":2,"y":"b"}]');
    expect(values(rec, 'x')).toEqual([1, 2]);
    expect(rec.column('y').categories).toEqual(['a', 'b']);
    const cols = Dataset.parseJson('{"x":[1,2,3],"y":[3,2,null]}');
    expect(values(cols, 'y')).toEqual([3, 2, NaN]);
    expect(mineError(() => Dataset.parseJson('[{"x":1}')).code).toBe('PARSE_ERROR');
    expect(mineError(() => Dataset.parseJson('42')).code).toBe('INVALID_INPUT');
  });
});

describe('select', () => {
  const ds = Dataset.fromColumns({
    id: [1, 2],
    x1: [1, 2],
    x2: [1, 2],
    x10: [1, 2],
    'x*': [1, 2],
    feat_a: [1, 2],
    feat_b: [1, 2],
    'a/b': [1, 2],
    y: [1, 2],
  });

  it('takes comma lists in the order given, trimming whitespace and dropping duplicates', () => {
    expect(ds.select('y, x2 ,x1')).toEqual(['y', 'x2', 'x1']);
    expect(ds.select(['y', 'x1, y'])).toEqual(['y', 'x1']);
    expect(ds.select('x1,,x1,')).toEqual(['x1']);
    expect(ds.select('')).toEqual([]);
  });

  it('expands globs in column order, with braces, ? and character classes', () => {
    expect(ds.select('x?')).toEqual(['x1', 'x2', 'x*']);
    expect(ds.select('feat_*')).toEqual(['feat_a', 'feat_b']);
    expect(ds.select('{y,id}')).toEqual(['id', 'y']); // within one glob: the dataset's order
    expect(ds.select('y,{x1,x10},feat_?')).toEqual(['y', 'x1', 'x10', 'feat_a', 'feat_b']);
    expect(ds.select('x[0-9]*')).toEqual(['x1', 'x2', 'x10']);
    // `*` crosses '/' (names are not paths).
    expect(ds.select('a*')).toEqual(['a/b']);
    // Negation: every column but these.
    expect(ds.select('!{x*,feat_*,a/b}')).toEqual(['id', 'y']);
  });

  it('matches an exact name before treating a term as a glob', () => {
    expect(ds.select('x*')).toEqual(['x*']);
    expect(ds.select('x\\*')).toEqual(['x*']); // escaped glob also reaches it
    expect(ds.select('x1*')).toEqual(['x1', 'x10']);
  });

  it('UNKNOWN_COLUMN names the term, lists columns and suggests a close name', () => {
    const e = mineError(() => ds.select('x1, fet_a'));
    expect(e.code).toBe('UNKNOWN_COLUMN');
    expect(e.column).toBe('fet_a');
    expect(e.message).toContain("unknown column 'fet_a' (did you mean 'feat_a'?)");
    expect(e.message).toContain('columns: id, x1, x2, x10, x*, feat_a, feat_b, a/b, y');
    const g = mineError(() => ds.select('z*'));
    expect(g.code).toBe('UNKNOWN_COLUMN');
    expect(g.message).toContain("no column matches 'z*'");
    // No suggestion when nothing is within distance 2.
    expect(mineError(() => ds.column('completely_else')).message).not.toContain('did you mean');
  });

  it('lists at most 10 columns in the error', () => {
    const wide = Dataset.fromColumns(Object.fromEntries(Array.from({ length: 25 }, (_, j) => [`c${j}`, [j]])));
    const e = mineError(() => wide.select('nope'));
    expect(e.message).toContain('c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, … (15 more)');
  });
});

describe('variable and selectXY', () => {
  it('builds a row-major Variable with names and categorical flags', () => {
    const ds = Dataset.fromColumns({ a: [1, 2, 3], g: ['p', 'q', 'p'], b: [10, 20, 30] });
    const v = ds.variable(['b', 'g', 'a']);
    expect(v.n).toBe(3);
    expect(v.d).toBe(3);
    expect(Array.from(v.data)).toEqual([10, 0, 1, 20, 1, 2, 30, 0, 3]);
    expect(v.names).toEqual(['b', 'g', 'a']);
    expect(v.categorical).toEqual([false, true, false]);
  });

  it('ignores bad cells in columns that are not selected', () => {
    const ds = Dataset.parse('x,y,junk\n1,2,\n3,4,NaN\n5,6,inf\n');
    const { x, y } = selectXY(ds, 'x', 'y');
    expect(Array.from(x.data)).toEqual([1, 3, 5]);
    expect(Array.from(y.data)).toEqual([2, 4, 6]);
  });

  it('reports EMPTY_CELL, NAN_VALUE and INFINITE_VALUE with column and row', () => {
    const ds = Dataset.parse('a,b,c,d\n1,2,3,4\n5,,NA,8\n9,1,2,-inf\n');
    const empty = mineError(() => ds.variable(['b']));
    expect([empty.code, empty.column, empty.row]).toEqual(['EMPTY_CELL', 'b', 2]);
    const nan = mineError(() => ds.variable(['c']));
    expect([nan.code, nan.column, nan.row]).toEqual(['NAN_VALUE', 'c', 2]);
    expect(nan.message).toContain('row 2 (line 3 of the file)');
    const inf = mineError(() => ds.variable(['a', 'd']));
    expect([inf.code, inf.column, inf.row]).toEqual(['INFINITE_VALUE', 'd', 3]);
    expect(inf.message).toContain('-Infinity');
    // The earliest row wins across columns; ties go to the first selected column.
    const first = mineError(() => ds.variable(['d', 'c', 'b']));
    expect([first.code, first.column, first.row]).toEqual(['NAN_VALUE', 'c', 2]);
    // A NaN stored in a Float64Array is NAN_VALUE (no text, so not "empty").
    const typed = Dataset.fromColumns({ t: new Float64Array([0, NaN]) });
    expect(mineError(() => typed.variable(['t'])).code).toBe('NAN_VALUE');
    // Values from JS data have no file line.
    expect(mineError(() => typed.variable(['t'])).message).toBe("column 't' has a missing value (NaN/NA) at row 2");
  });

  it('selectXY accepts globs and rejects overlap and empty sides', () => {
    const ds = Dataset.fromColumns({ x1: [1, 2], x2: [3, 4], y: [5, 6] });
    const { x, y } = selectXY(ds, 'x*', ['y']);
    expect(x.names).toEqual(['x1', 'x2']);
    expect(Array.from(x.data)).toEqual([1, 3, 2, 4]);
    expect(y.names).toEqual(['y']);
    const overlap = mineError(() => selectXY(ds, 'x*', 'x2,y'));
    expect(overlap.code).toBe('OVERLAPPING_SELECTION');
    expect(overlap.column).toBe('x2');
    expect(overlap.message).toContain("'x2'");
    const empty = mineError(() => selectXY(ds, 'x1', ' , '));
    expect(empty.code).toBe('EMPTY_SELECTION');
    expect(empty.message).toContain('y');
    expect(mineError(() => ds.variable([])).code).toBe('EMPTY_SELECTION');
    expect(mineError(() => ds.variable(['y', 'y'])).code).toBe('DUPLICATE_COLUMN');
  });
});

describe('previews', () => {
  const ds = Dataset.parse('x,g,m\n1.5,a,1\n-2,b,\n3,a,3\n3,c,NA\n');

  it('head gives records with labels and nulls', () => {
    expect(ds.head(2)).toEqual([
      { x: 1.5, g: 'a', m: 1 },
      { x: -2, g: 'b', m: null },
    ]);
    expect(ds.head(100)).toHaveLength(4);
    expect(ds.head(0)).toEqual([]);
  });

  it('describe gives kind, distinct, missing, min and max per column', () => {
    expect(ds.describe()).toEqual([
      { name: 'x', kind: 'numeric', distinct: 3, distinctCapped: false, missing: 0, min: -2, max: 3 },
      { name: 'g', kind: 'categorical', distinct: 3, distinctCapped: false, missing: 0, min: null, max: null },
      { name: 'm', kind: 'numeric', distinct: 2, distinctCapped: false, missing: 2, min: 1, max: 3 },
    ]);
  });

  it('caps the distinct count', () => {
    const big = Dataset.fromColumns({ v: Float64Array.from({ length: 20_000 }, (_, i) => i) });
    const s = big.describe()[0]!;
    expect(s.distinct).toBe(10_000);
    expect(s.distinctCapped).toBe(true);
  });
});
