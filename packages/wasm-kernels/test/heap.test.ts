import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { ArrayBufferMemory, createReferenceKernels, Heap, loadWasmKernels, PAGE_BYTES, WasmAbortError, type Kernels } from '../src/index.js';
import { EPS32 } from './helpers.js';

describe('Heap', () => {
  test('allocations are 16-aligned, start at base, and mark/reset scopes free them', () => {
    const h = new Heap(new ArrayBufferMemory(1), 20);
    expect(h.base).toBe(32);
    const a = h.alloc(1), b = h.alloc(5), c = h.alloc(0), d = h.alloc(4);
    expect([a, b, c, d]).toEqual([32, 48, 80, 80]);
    expect(h.used).toBe(64);
    const m = h.mark();
    h.alloc(100);
    expect(h.used).toBe(64 + 400);
    h.reset(m);
    expect(h.used).toBe(64);
    expect(h.peak).toBe(464);
    expect(h.scope(() => h.alloc(8))).toBe(96);
    expect(h.used).toBe(64);
    expect(() => h.reset(m + 16)).toThrow(RangeError); // past the top
    expect(() => h.reset(16)).toThrow(RangeError); // below base
    h.reset();
    expect(h.used).toBe(0);
    expect(() => h.alloc(-1)).toThrow(RangeError);
    expect(() => h.alloc(1.5)).toThrow(RangeError);
  });

  test('check() rejects ranges outside the allocated part or misaligned', () => {
    const h = new Heap(new ArrayBufferMemory(1), 16);
    const p = h.alloc(4);
    expect(() => h.check(p, 4)).not.toThrow();
    expect(() => h.check(p, 5)).toThrow(RangeError);
    expect(() => h.check(p + 2, 1)).toThrow(RangeError);
    expect(() => h.check(0, 1)).toThrow(RangeError);
  });
});

/** Allocates past the current capacity and checks views, data and a kernel still work. */
async function growthScenario(k: Kernels): Promise<void> {
  const h = k.heap;
  const x = h.allocFrom([0, 1, 2, 3, 4, 5, 6]);
  const oldView = h.f32(x, 7);
  const oldF32 = h.F32;
  const cap0 = h.capacity;
  const big = h.alloc((cap0 * 3) / 4); // floats: 3× the byte capacity → must grow
  expect(h.capacity).toBeGreaterThan(cap0 + 3 * cap0 - PAGE_BYTES);
  expect(h.F32 === oldF32).toBe(false); // rebuilt over the new buffer
  expect(h.F32.length * 4).toBe(h.capacity);
  if (k.name === 'wasm') expect(oldView.length).toBe(0); // memory.grow detached the old buffer
  expect(Array.from(h.f32(x, 7))).toEqual([0, 1, 2, 3, 4, 5, 6]); // data survived; a fresh view sees it
  // kernels read and write across the whole grown memory
  const n = (cap0 * 3) / 4;
  k.fill(big, n, 0.5);
  const y = h.alloc(7);
  k.exp(x, y, 7);
  const ey = h.read(y, 7);
  for (let i = 0; i < 7; i++) expect(Math.abs((ey[i] as number) - Math.exp(i)) / Math.exp(i)).toBeLessThan(2 * EPS32);
  expect(k.sum(big, n)).toBe(n / 2);
  expect(h.f32(big + 4 * (n - 1), 1)[0]).toBe(0.5);
}

describe('memory growth', () => {
  test('wasm: allocating past the initial memory grows it; views are rebuilt and results stay correct', async () => {
    await growthScenario(await loadWasmKernels());
  });

  test('reference: same behaviour over ArrayBuffers', async () => {
    await growthScenario(createReferenceKernels());
  });

  test('initialPages pre-sizes the memory', async () => {
    const k = await loadWasmKernels({ initialPages: 64 });
    expect(k.heap.capacity).toBe(64 * PAGE_BYTES);
    expect(createReferenceKernels({ initialPages: 8 }).heap.capacity).toBe(8 * PAGE_BYTES);
  });

  test('each loadWasmKernels() instance has its own memory', async () => {
    const a = await loadWasmKernels(), b = await loadWasmKernels();
    expect(a.memory).not.toBe(b.memory);
    const pa = a.heap.allocFrom([1, 2, 3]);
    const pb = b.heap.allocFrom([9, 9, 9]);
    expect(pa).toBe(pb);
    expect(Array.from(a.heap.read(pa, 3))).toEqual([1, 2, 3]);
  });
});

describe('errors from wasm surface as JS errors', () => {
  test('an AssemblyScript assert (abort) becomes a WasmAbortError with message, file and line', async () => {
    const k = await loadWasmKernels({ checks: false });
    const p = k.heap.alloc(4);
    let err: unknown;
    try {
      k.adam(p, p, p, p, 4, 0.1, 0.9, 0.999, 1e-8, 0);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WasmAbortError);
    expect(err).toBeInstanceOf(Error);
    const e = err as WasmAbortError;
    expect(e.message).toMatch(/^adam: step must be >= 1/);
    expect(e.file).toBe('assembly/optim.ts');
    expect(e.line).toBeGreaterThan(0);
    // the instance is still usable after the abort
    k.fill(p, 4, 2);
    expect(Array.from(k.heap.read(p, 4))).toEqual([2, 2, 2, 2]);
  });

  test('a trap (out-of-bounds access, JS checks off) is a WebAssembly.RuntimeError', async () => {
    const k = await loadWasmKernels({ checks: false });
    const beyond = k.heap.capacity + 1024;
    expect(() => k.exports.fill(beyond, 4, 1)).toThrow(WebAssembly.RuntimeError);
    expect(() => k.fill(beyond, 4, 1)).toThrow(Error);
  });

  test('with checks on (the default) a bad pointer is a RangeError before entering wasm', async () => {
    const k = await loadWasmKernels();
    expect(() => k.fill(k.heap.capacity + 1024, 4, 1)).toThrow(RangeError);
    expect(() => k.exp(8, 8, 4)).toThrow(RangeError); // below the heap base: the GEMM scratch lives there
  });
});

describe('the shipped module', () => {
  test('the embedded base64 is the current build/release.wasm', async () => {
    const gen = await import('../src/generated/kernels-wasm.js');
    const file = readFileSync(new URL('../build/release.wasm', import.meta.url));
    expect(gen.KERNELS_WASM_BYTES).toBe(file.length);
    expect(gen.KERNELS_WASM_BASE64).toBe(file.toString('base64'));
  });

  test('imports only env.abort, exports memory and the kernels, and uses 128-bit SIMD', async () => {
    const gen = await import('../src/generated/kernels-wasm.js');
    const mod = new WebAssembly.Module(Buffer.from(gen.KERNELS_WASM_BASE64, 'base64'));
    expect(WebAssembly.Module.imports(mod)).toEqual([{ module: 'env', name: 'abort', kind: 'function' }]);
    const names = WebAssembly.Module.exports(mod).map((e) => e.name);
    for (const n of ['memory', 'heapBase', 'gemmEx', 'exp', 'logSumExp', 'softmax', 'adam', 'biasAct']) expect(names).toContain(n);
    const wat = readFileSync(new URL('../build/release.wat', import.meta.url), 'utf8');
    const micro = wat.slice(wat.indexOf('(func $assembly/matmul/micro'), wat.indexOf('(func', wat.indexOf('(func $assembly/matmul/micro') + 5));
    expect(micro).toMatch(/f32x4\.mul/);
    expect(micro).toMatch(/f32x4\.add/);
    expect(micro).toMatch(/v128\.load/);
  });
});
