import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MineError } from '../errors.js';
import { Rng } from '../rng.js';
import { ColumnBuilder, detectDelimiter, isNumericCell, parseDelimited } from './csv.js';
import { Dataset } from './dataset.js';

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

describe('delimiters', () => {
  it('reads comma, tab, semicolon and pipe files, detecting the delimiter', () => {
    for (const d of [',', '\t', ';', '|']) {
      const ds = Dataset.parse(['a', 'b', 'c'].join(d) + '\n' + ['1', '2.5', '-3'].join(d) + '\n' + ['4', '5', '6e2'].join(d) + '\n');
      expect(ds.delimiter).toBe(d);
      expect(ds.names).toEqual(['a', 'b', 'c']);
      expect(ds.nRows).toBe(2);
      expect(values(ds, 'a')).toEqual([1, 4]);
      expect(values(ds, 'b')).toEqual([2.5, 5]);
      expect(values(ds, 'c')).toEqual([-3, 600]);
    }
  });

  it('keeps TSV files with commas inside text fields as TSV', () => {
    // Every data row has a comma in the name field, so splitting on commas is
    // also "consistent" (2 fields per row); the header decides.
    const text = 'name\tage\tscore\nSmith, John\t31\t2.5\nDoe, Jane\t45\t3.5\nRoe, Rick\t27\t1\n';
    expect(detectDelimiter(text)).toBe('\t');
    const ds = Dataset.parse(text);
    expect(ds.names).toEqual(['name', 'age', 'score']);
    expect(ds.column('name').categories).toEqual(['Smith, John', 'Doe, Jane', 'Roe, Rick']);
    expect(values(ds, 'age')).toEqual([31, 45, 27]);
    // More commas than tabs per row: papaparse 5.7's own guess says comma here.
    const many = 'txt\tv\na, b, c, d\t1\ne, f, g, h\t2\n';
    expect(detectDelimiter(many)).toBe('\t');
    expect(values(Dataset.parse(many), 'v')).toEqual([1, 2]);
  });

  it('prefers the delimiter consistent with the header (semicolon file with decimal commas)', () => {
    const text = 'a;b\n1,5;2\n3,25;4\n';
    expect(detectDelimiter(text)).toBe(';');
    const ds = Dataset.parse(text);
    expect(ds.names).toEqual(['a', 'b']);
    // Decimal commas are not numbers, so the column is categorical (documented).
    expect(ds.column('a').kind).toBe('categorical');
    expect(values(ds, 'b')).toEqual([2, 4]);
  });

  it('honours an explicit delimiter, with "tab" and "\\t" as aliases', () => {
    const text = 'a,b\tc\n1,2\t3\n';
    expect(Dataset.parse(text, { delimiter: ',' }).names).toEqual(['a', 'b\tc']);
    expect(Dataset.parse(text, { delimiter: 'tab' }).names).toEqual(['a,b', 'c']);
    expect(Dataset.parse(text, { delimiter: '\\t' }).names).toEqual(['a,b', 'c']);
    expect(mineError(() => Dataset.parse(text, { delimiter: '"' })).code).toBe('INVALID_INPUT');
  });

  it('reads a one-column file', () => {
    const ds = Dataset.parse('x\n1\n2\n3\n');
    expect(ds.names).toEqual(['x']);
    expect(values(ds, 'x')).toEqual([1, 2, 3]);
  });
});

describe('text details', () => {
  it('strips a UTF-8 BOM and reads CRLF line endings', () => {
    const ds = Dataset.parse('\uFEFFa,b\r\n1,x\r\n2,y\r\n');
    expect(ds.names).toEqual(['a', 'b']);
    expect(values(ds, 'a')).toEqual([1, 2]);
    expect(ds.column('b').categories).toEqual(['x', 'y']);
  });

  it('reads quoted fields holding delimiters, escaped quotes and newlines', () => {
    const ds = Dataset.parse('id,text\n1,"a, b"\n2,"say ""hi"""\n3,"two\nlines"\n4,plain\n');
    expect(ds.nRows).toBe(4);
    expect(values(ds, 'id')).toEqual([1, 2, 3, 4]);
    expect(ds.column('text').categories).toEqual(['a, b', 'say "hi"', 'two\nlines', 'plain']);
    expect(values(ds, 'text')).toEqual([0, 1, 2, 3]);
  });

  it('trims header names and text cells; names empty header cells column_<j>', () => {
    const ds = Dataset.parse(',x , y\n1, a ,2\n2,b,3\n');
    expect(ds.names).toEqual(['column_1', 'x', 'y']);
    expect(ds.column('x').categories).toEqual(['a', 'b']);
  });

  it('gives zero rows for a header-only file', () => {
    const ds = Dataset.parse('a,b,c\n');
    expect(ds.nRows).toBe(0);
    expect(ds.names).toEqual(['a', 'b', 'c']);
    expect(ds.column('a').values.length).toBe(0);
  });

  it('skips trailing blank lines, and interior blank lines when there are several columns', () => {
    const ds = Dataset.parse('a,b\n1,2\n\n3,4\n\n\n');
    expect(ds.nRows).toBe(2);
    expect(values(ds, 'b')).toEqual([2, 4]);
    // In a one-column file an interior blank line is an empty cell; trailing ones are dropped.
    const one = Dataset.parse('x\n1\n\n3\n\n\n');
    expect(one.nRows).toBe(3);
    expect(values(one, 'x')).toEqual([1, NaN, 3]);
    expect(mineError(() => one.variable(['x'])).code).toBe('EMPTY_CELL');
  });
});

describe('cells', () => {
  it('classifies numeric spellings, missing markers and infinities', () => {
    const ds = Dataset.parse(
      'v\n' + ['3', ' 4 ', '-0', '0.0', '1e3', '.5', '5.', '+2', 'NaN', 'nan', 'NA', 'null', '', 'inf', '-Infinity', 'INF', '"7"'].join('\n') + '\n',
    );
    const c = ds.column('v');
    expect(c.kind).toBe('numeric');
    expect(Array.from(c.values)).toEqual([3, 4, -0, 0, 1000, 0.5, 5, 2, NaN, NaN, NaN, NaN, NaN, Infinity, -Infinity, Infinity, 7]);
    for (const s of ['0x1F', '0b1', ' 0o7', '1,5', 'abc', '1_000']) expect(isNumericCell(s), s).toBe(false);
    for (const s of ['0', '00', '-0.0e5', 'Infinity', '+inf']) expect(isNumericCell(s), s).toBe(true);
  });

  it('codes a text column by first appearance and keeps the labels', () => {
    const ds = Dataset.parse('g,x\nb,1\na,2\nb,3\nc,4\na,5\n');
    const g = ds.column('g');
    expect(g.kind).toBe('categorical');
    expect(g.categories).toEqual(['b', 'a', 'c']);
    expect(Array.from(g.values)).toEqual([0, 1, 0, 2, 1]);
  });

  it('turns a mixed column categorical, keying numbers by value before and after the flip', () => {
    // '1' and '1.0' are one category whether they come before or after the first text cell.
    const ds = Dataset.parse('m\n1\n1.0\n2\nb\n2.0\n1\n\nNA\n3\n');
    const m = ds.column('m');
    expect(m.kind).toBe('categorical');
    expect(m.categories).toEqual(['1', '2', 'b', '3']);
    expect(Array.from(m.values)).toEqual([0, 0, 1, 2, 1, 0, NaN, NaN, 3]);
    const summary = ds.describe()[0]!;
    expect(summary.firstText).toEqual({ row: 4, value: 'b' });
    expect(summary.missing).toBe(2);
  });

  it('flips the same way in ColumnBuilder as it would have coded from the start', () => {
    // Property: the codes of a mixed column equal coding every cell by its key
    // (String(number) for numeric cells, the trimmed text otherwise) in order.
    const cell = fc.oneof(fc.constantFrom('a', 'b', ' c', 'NA', ''), fc.integer({ min: -3, max: 3 }).map(String), fc.constantFrom('1.0', '2.50', '-0'));
    fc.assert(
      fc.property(fc.array(cell, { minLength: 1, maxLength: 40 }), (cells) => {
        const b = new ColumnBuilder('c');
        for (const s of cells) b.pushText(s);
        const col = b.finish();
        const keys: string[] = [];
        const expected = cells.map((s) => {
          const t = s.trim();
          if (t === '' || t === 'NA') return NaN;
          const key = isNumericCell(s) ? String(+s) : t;
          if (!keys.includes(key)) keys.push(key);
          return keys.indexOf(key);
        });
        if (col.kind === 'numeric') {
          expect(cells.every((s) => isNumericCell(s) || s.trim() === '' || s === 'NA')).toBe(true);
        } else {
          expect(col.categories).toEqual(keys);
          expect(Array.from(col.values)).toEqual(expected);
        }
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe('errors', () => {
  it('PARSE_ERROR names the row, the line and the field counts', () => {
    const e = mineError(() => Dataset.parse('a,b,c\n1,2,3\n4,5\n6,7,8\n'));
    expect(e.code).toBe('PARSE_ERROR');
    expect(e.row).toBe(2);
    expect(e.message).toContain('row 2 (line 3)');
    expect(e.message).toContain('found 2 fields, expected 3');
    const more = mineError(() => Dataset.parse('a,b\n1,2\n3,4\n5,6,7\n'));
    expect(more.row).toBe(3);
    expect(more.message).toContain('found 3 fields, expected 2');
  });

  it('PARSE_ERROR line numbers count newlines inside quotes and skipped blank lines', () => {
    // line 1 header, 2–3 row 1 (quoted newline), 4 blank, 5 row 2, 6 row 3 (bad)
    const e = mineError(() => Dataset.parse('a,b\n"x\ny",1\n\nz,2\nw\n'));
    expect(e.row).toBe(3);
    expect(e.message).toContain('row 3 (line 6)');
  });

  it('PARSE_ERROR for an unterminated quote', () => {
    const e = mineError(() => Dataset.parse('a,b\n1,2\n3,"open\n5,6\n'));
    expect(e.code).toBe('PARSE_ERROR');
    expect(e.row).toBe(2);
    expect(e.message).toBe('row 2 (line 3): quoted field unterminated');
    const junk = mineError(() => Dataset.parse('a,b\n1,2\n3,"x"y\n'));
    expect([junk.code, junk.row]).toEqual(['PARSE_ERROR', 2]);
  });

  it('DUPLICATE_COLUMN names the column and both positions', () => {
    const e = mineError(() => Dataset.parse('a,b,a\n1,2,3\n'));
    expect(e.code).toBe('DUPLICATE_COLUMN');
    expect(e.column).toBe('a');
    expect(e.message).toContain('columns 1 and 3');
  });

  it('MISSING_HEADER for a header of numbers and for empty text', () => {
    const e = mineError(() => Dataset.parse('1,2.5,3\n4,5,6\n'));
    expect(e.code).toBe('MISSING_HEADER');
    expect(e.hint).toContain('the first line must name the columns');
    expect(mineError(() => Dataset.parse('')).code).toBe('MISSING_HEADER');
    expect(mineError(() => Dataset.parse('\n\n')).code).toBe('MISSING_HEADER');
    // One name among numbers is a header.
    expect(Dataset.parse('x,2020\n1,2\n').names).toEqual(['x', '2020']);
  });

  it('errors from selected cells name the file line too', () => {
    const ds = Dataset.parse('a,b\n1,2\n\n3,\n');
    const e = mineError(() => ds.variable(['b']));
    expect(e.code).toBe('EMPTY_CELL');
    expect(e.row).toBe(2);
    expect(e.message).toBe("column 'b' has an empty cell at row 2 (line 4 of the file)");
  });
});

/** A random table as text, with quotes, embedded delimiters/newlines, blanks and numbers. */
function randomTable(rng: Rng, rows: number): string {
  const words = ['a', 'b,c', 'say "x"', 'two\nlines', 'π', ' sp ', 'NA', ''];
  const lines = ['num,txt,mix'];
  for (let i = 0; i < rows; i++) {
    const num = rng.next() < 0.1 ? '' : String(rng.normal() * 10 ** rng.int(6));
    const w = words[rng.int(words.length)]!;
    const txt = /[",\n]/.test(w) ? `"${w.replaceAll('"', '""')}"` : w;
    const mix = rng.next() < 0.05 ? 'z' : String(rng.int(5));
    lines.push(`${num},${txt},${mix}`);
  }
  return lines.join(rng.next() < 0.5 ? '\n' : '\r\n') + '\n';
}

describe('chunking', () => {
  it('gives identical tables for any chunk size (rows and quoted fields split across chunks)', () => {
    const rng = new Rng(7);
    for (let t = 0; t < 5; t++) {
      const text = randomTable(rng, 200);
      const whole = parseDelimited(text, { chunkSize: text.length + 1 });
      for (const chunkSize of [1, 7, 61, 1000]) {
        const parts = parseDelimited(text, { chunkSize });
        expect(parts.nRows).toBe(200);
        expect(parts.columns.map((c) => [c.kind, c.categories, Array.from(c.values), c.firstEmpty])).toEqual(
          whole.columns.map((c) => [c.kind, c.categories, Array.from(c.values), c.firstEmpty]),
        );
      }
    }
  });

  it('round-trips 50,000 rows of full-precision numbers exactly, in tightly sized columns', () => {
    const rng = new Rng(2024);
    const n = 50_000;
    const cols = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
    const lines = ['u,v,w'];
    for (let i = 0; i < n; i++) {
      cols[0]![i] = rng.normal();
      cols[1]![i] = rng.normal() * 10 ** (rng.int(41) - 20); // tiny to huge exponents
      cols[2]![i] = rng.int(1000) - 500;
      // String(x) is the shortest text that reads back as exactly x (ECMA-262 Number::toString).
      lines.push(`${cols[0]![i]},${cols[1]![i]},${cols[2]![i]}`);
    }
    const text = lines.join('\n') + '\n';
    expect(text.length).toBeGreaterThan(2 << 20); // dozens of 64 KiB chunks: exercises the size estimate
    const ds = Dataset.parse(text);
    expect(ds.nRows).toBe(n);
    ['u', 'v', 'w'].forEach((name, j) => {
      const got = ds.column(name).values;
      expect(got.length).toBe(n);
      let mismatches = 0;
      for (let i = 0; i < n; i++) if (!Object.is(got[i], cols[j]![i])) mismatches++;
      expect(mismatches).toBe(0);
      // Columns are sized from the first chunk (+2%) and trimmed beyond 1/16 slack.
      expect(got.buffer.byteLength).toBeLessThanOrEqual(Math.ceil(n * 8 * (1 + 1 / 16)));
    });
  });
});
