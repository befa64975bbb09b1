import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

// @mine/core must run unchanged in browsers and Web Workers. The build's
// `types: []` cannot enforce that (a dependency's typings pull in Node's), so
// scan the shipped sources for Node-only APIs and for the unseeded global RNG.
const root = fileURLToPath(new URL('.', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

test('shipped sources use no Node-only API and no unseeded global RNG', () => {
  const offenders: string[] = [];
  const files = sources(root);
  expect(files.length).toBeGreaterThan(10);
  for (const file of files) {
    const text = readFileSync(file, 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '');
    for (const [re, what] of [
      [/from ['"]node:|require\(|from ['"](fs|path|os|worker_threads|child_process)['"]/, 'a Node module import'],
      [/\bprocess\.|\bBuffer\b|__dirname/, 'a Node global'],
      [new RegExp(['Math', 'random'].join('\\.')), 'the unseeded global RNG'],
    ] as const) {
      if (re.test(text)) offenders.push(`${file.slice(root.length)}: ${what}`);
    }
  }
  expect(offenders).toEqual([]);
});
