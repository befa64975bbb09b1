import { expect } from 'vitest';
import { MineError } from './errors.js';

// Test-only helpers shared by several test files (excluded from the build).

/** Awaits `p`, expects it to reject with a MineError of `code` (and `field`), and returns the error. */
export async function expectMineError(p: Promise<unknown>, code: string, field?: string): Promise<MineError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(MineError);
  const m = e as MineError;
  expect(m.code).toBe(code);
  if (field !== undefined) expect(m.field).toBe(field);
  return m;
}
