import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

// The loader must work unchanged in Node, browsers, Web Workers and bundlers:
// the wasm comes from the embedded base64 module only. Scan the shipped
// sources for Node-only APIs and for fetch/URL-based loading.
const root = fileURLToPath(new URL('../src/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

test('shipped sources use no Node-only API and no fetch/URL loading', () => {
  const offenders: string[] = [];
  const files = sources(root);
  expect(files.length).toBeGreaterThanOrEqual(6);
  for (const file of files) {
    const text = readFileSync(file, 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '');
    for (const [re, what] of [
      [/from ['"]node:|require\(|from ['"](fs|path|os|url|worker_threads|child_process)['"]/, 'a Node module import'],
      [/\bprocess\.|\bBuffer\b|__dirname|import\.meta/, 'a Node global or import.meta'],
      [/\bfetch\(|new URL\(|instantiateStreaming|compileStreaming/, 'fetch/URL-based loading'],
    ] as const) {
      if (re.test(text)) offenders.push(`${file.slice(root.length)}: ${what}`);
    }
  }
  expect(offenders).toEqual([]);
});
