import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test, vi } from 'vitest';
import * as core from './index.js';

// Runs the README's "Use it from code" block against the source, so the
// documented API cannot rot. The block's import line is replaced by the
// module under test; everything else runs as written.
test('the README code example runs and prints what it says', async () => {
  const readme = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');
  const section = readme.slice(readme.indexOf('## Use it from code'));
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  expect(block).toBeTruthy();
  const body = block!.replace(/^import \{([^}]*)\} from '@mine\/core';$/m, 'const {$1} = core;');
  expect(body).not.toContain('@mine/core');

  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  });
  try {
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
      ...a: string[]
    ) => (c: typeof core) => Promise<void>;
    await new AsyncFunction('core', body)(core);
  } finally {
    spy.mockRestore();
  }
  expect(lines).toHaveLength(3);
  // temp and humidity are almost perfectly anti-correlated in the 8 rows: a large positive MI in bits.
  const [value, units] = lines[0]!.split(' ');
  expect(units).toBe('bits');
  expect(Number(value)).toBeGreaterThan(1);
  expect(lines[1]).toMatch(/^gaussian 8 /);
  expect(lines[2]).toBe(
    JSON.stringify(['ksg', 'gaussian', 'copula', 'discrete', 'nmi', 'ami', 'mixed', 'mine', 'dv', 'nwj', 'infonce', 'smile', 'auto']),
  );
});
