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

// Same seed ⇒ the same number in Node and in every browser. ECMAScript fixes + − × ÷ and Math.sqrt to
// the correctly rounded result, but leaves Math.log, Math.exp, Math.pow, Math.sin… "implementation-
// approximated": Node 20's V8 (fdlibm ports) and current Chromium's (LLVM libc) differ in the last bit
// on a few percent of arguments, which changed MINE's estimate between Node and the browser. Shipped
// sources therefore call math/fdlibm.ts (re-exported from @mine/wasm-kernels' fdlibm.ts; pure IEEE arithmetic, the same bits everywhere) instead.
//
// What is detected (in source with comments stripped):
// - a call or reference `Math.<f>` for every non-correctly-rounded function of ES2024's Math, also as
//   `Math['<f>']`, and `Math` taken apart or aliased (`const { log } = Math`, `const M = Math`);
// - the `**` operator (Number::exponentiate, implementation-approximated like Math.pow), except
//   `x ** 2` (fdlibm and every correctly rounded pow give x·x there) and `2 ** n` (powers of two are
//   exact in both). Any other exponent, literal or not, is flagged: a non-integer one is the brief's
//   case, and an integer one ≠ 2 can also differ (fdlibm's pow(x, 3) is not always the rounded x³).
// Not detected: `Math` reached through an alias the regexes miss (globalThis.Math, eval…), which
// code review has to catch.
const NOT_CORRECTLY_ROUNDED = [
  'log', 'exp', 'pow', 'log1p', 'expm1', 'log2', 'log10', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'atan2',
  'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh', 'cbrt', 'hypot',
];

/** The engine-dependent math a (comment-stripped) source uses, one description per finding. */
function engineDependentMath(text: string): string[] {
  const found: string[] = [];
  const names = NOT_CORRECTLY_ROUNDED.join('|');
  for (const m of text.matchAll(new RegExp(`\\bMath\\s*(?:\\.\\s*(${names})\\b|\\[\\s*['"\`](${names})['"\`]\\s*\\])`, 'g'))) {
    found.push(`Math.${m[1] ?? m[2]}`);
  }
  if (/(?:\bconst|\blet|\bvar|[^=!<>]=)\s*(?:\{[^}]*\}\s*=\s*)?Math\s*(?:[;,)\n]|$)/m.test(text)) found.push('Math aliased or destructured');
  for (const m of text.matchAll(/\*\*=?/g)) {
    const before = text.slice(0, m.index);
    const after = text.slice(m.index + m[0].length);
    const baseIsTwo = m[0] === '**' && /(?:^|[^\w.)\]$])2\s*$/.test(before);
    const exponentIsTwo = /^\s*2(?![\w.$])/.test(after);
    if (!baseIsTwo && !exponentIsTwo) found.push(`'${m[0]}' with exponent ${after.trim().slice(0, 12)}…`);
  }
  return found;
}

test('the detector of engine-dependent math flags what it should and passes what it should', () => {
  for (const bad of [
    'const a = Math.log(x);',
    'y = Math . exp(-t)',
    "f = Math['tanh'](v)",
    'return Math.pow(u, 1 / shape);',
    'return Math.hypot(a, b)',
    'const { log, sqrt } = Math;',
    'const M = Math;',
    'z = x ** 0.5',
    'z = x ** (1 / 3)',
    'z = x ** y',
    'z = x ** 3',
    'z **= 1.5',
    'z = 3 ** k',
  ]) {
    expect(engineDependentMath(bad), bad).not.toEqual([]);
  }
  for (const ok of [
    'const s = Math.sqrt(x) + Math.abs(y) + Math.max(a, b) + Math.floor(c) + Math.LN2 + Math.PI;',
    'a + (v - mean) ** 2',
    'n / 2 ** depth',
    'const nNodes = 2 ** (depth + 1) - 1;',
    'const logx = log(x); const e = exp(y); const m = Math.min(1, 2);',
    'const MathLog = 1;',
  ]) {
    expect(engineDependentMath(ok), ok).toEqual([]);
  }
});

test('shipped sources use no engine-dependent Math function and no ** beyond x ** 2 and 2 ** n', () => {
  // Core's sources and @mine/wasm-kernels' TypeScript (its JS reference backend and the wasm
  // loader compute log-mean-exp and activations in JS), which hosts fdlibm.ts.
  const kernelsRoot = fileURLToPath(new URL('../../wasm-kernels/src/', import.meta.url));
  const offenders: string[] = [];
  const files = [...sources(root), ...sources(kernelsRoot).filter((f) => !f.includes(join('src', 'generated')))];
  expect(files.some((f) => f.endsWith(join('wasm-kernels', 'src', 'fdlibm.ts')))).toBe(true);
  expect(files.some((f) => f.endsWith(join('wasm-kernels', 'src', 'reference.ts')))).toBe(true);
  // fdlibm.ts is scanned too: it needs no exemption (its Math.* mentions are in comments).
  for (const file of files) {
    const text = readFileSync(file, 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '');
    for (const what of engineDependentMath(text)) offenders.push(`${file}: ${what} (use math/fdlibm.ts)`);
  }
  expect(offenders).toEqual([]);
});
