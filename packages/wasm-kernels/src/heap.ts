/**
 * A bump (arena) allocator over a growable linear memory: the wasm module's
 * exported `WebAssembly.Memory`, or an ArrayBuffer for the TS reference.
 *
 * Pointers are byte offsets into that memory, 16-byte aligned. Memory only
 * ever grows here (in `alloc`), never inside a kernel. Growing a
 * `WebAssembly.Memory` detaches its old ArrayBuffer, so typed-array views
 * taken before an `alloc` may be dead afterwards: take views with `f32()` (or
 * `F32`) after the last `alloc` of a phase, and re-take them after the next.
 *
 * ```ts
 * const h = kernels.heap;
 * const mark = h.mark();
 * const x = h.allocFrom(data);          // copy in
 * const y = h.alloc(data.length);
 * kernels.exp(x, y, data.length);
 * const out = h.read(y, data.length);   // copy out
 * h.reset(mark);                        // free both
 * ```
 */

/** Bytes per wasm page (64 KiB). */
export const PAGE_BYTES = 65536;

/** Alignment of every allocation, in bytes (one v128). */
export const ALIGN = 16;

/** The part of `WebAssembly.Memory` the heap needs; implemented by {@link ArrayBufferMemory} for the reference. */
export interface GrowableMemory {
  /** The current backing buffer; replaced by `grow`. */
  readonly buffer: ArrayBuffer;
  /** Grows by `deltaPages` 64 KiB pages; returns the old size in pages; throws RangeError on failure. */
  grow(deltaPages: number): number;
}

/**
 * A `GrowableMemory` over plain ArrayBuffers, with `WebAssembly.Memory`'s
 * observable behaviour: `grow` replaces `buffer` with a larger copy (the old
 * buffer is left intact, not detached). Used by the TS reference kernels.
 */
export class ArrayBufferMemory implements GrowableMemory {
  private buf: ArrayBuffer;
  private readonly maxPages: number;

  /**
   * @param initialPages initial size in 64 KiB pages
   * @param maxPages growth limit in pages; @default 65536 (4 GiB, the wasm32 limit)
   */
  constructor(initialPages: number, maxPages = 65536) {
    this.buf = new ArrayBuffer(initialPages * PAGE_BYTES);
    this.maxPages = maxPages;
  }

  /** The current backing buffer (a new one after each non-zero `grow`). */
  get buffer(): ArrayBuffer {
    return this.buf;
  }

  /** Grows by `deltaPages` pages by copying into a larger buffer; returns the old size in pages. @throws RangeError past maxPages */
  grow(deltaPages: number): number {
    const old = this.buf.byteLength / PAGE_BYTES;
    if (!Number.isInteger(deltaPages) || deltaPages < 0 || old + deltaPages > this.maxPages) {
      throw new RangeError(`ArrayBufferMemory.grow(${deltaPages}): cannot grow past ${this.maxPages} pages`);
    }
    if (deltaPages > 0) {
      const next = new ArrayBuffer((old + deltaPages) * PAGE_BYTES);
      new Uint8Array(next).set(new Uint8Array(this.buf));
      this.buf = next;
    }
    return old;
  }
}

function alignUp(x: number): number {
  return Math.ceil(x / ALIGN) * ALIGN;
}

/** Arena allocator with mark/reset scopes; see the module comment. */
export class Heap {
  /** First allocatable byte (16-aligned): `__heap_base` of the wasm module, or 16 for the reference (0 stays an invalid pointer). */
  readonly base: number;
  private readonly memory: GrowableMemory;
  private top: number;
  private peakTop: number;
  private viewBuffer: ArrayBuffer | null = null;
  private view: Float32Array = new Float32Array(0);

  /**
   * @param memory the memory to allocate from
   * @param base first usable byte; rounded up to 16
   */
  constructor(memory: GrowableMemory, base: number) {
    this.memory = memory;
    this.base = alignUp(base);
    this.top = this.base;
    this.peakTop = this.base;
  }

  /**
   * Allocates `nFloats` float32s and returns the byte offset (16-aligned).
   * Contents are unspecified (fresh pages are zero, reused ones are not).
   * Grows the memory if needed (at least doubling, to amortise the copy a
   * `memory.grow` may cost), which invalidates earlier views.
   * @throws RangeError if nFloats is not a non-negative integer or memory cannot grow
   */
  alloc(nFloats: number): number {
    if (!Number.isInteger(nFloats) || nFloats < 0) throw new RangeError(`Heap.alloc: nFloats must be a non-negative integer, got ${nFloats}`);
    const ptr = this.top;
    const end = ptr + alignUp(nFloats * 4);
    this.ensure(end);
    this.top = end;
    if (end > this.peakTop) this.peakTop = end;
    return ptr;
  }

  /** Allocates `data.length` floats and copies `data` in (converted to float32). */
  allocFrom(data: ArrayLike<number>): number {
    const ptr = this.alloc(data.length);
    this.write(ptr, data);
    return ptr;
  }

  /** Allocates `nFloats` floats set to 0. */
  allocZeroed(nFloats: number): number {
    const ptr = this.alloc(nFloats);
    this.F32.fill(0, ptr >>> 2, (ptr >>> 2) + nFloats);
    return ptr;
  }

  /** The current top of the arena; pass it to `reset` to free everything allocated after this call. */
  mark(): number {
    return this.top;
  }

  /**
   * Frees every allocation made after `mark` (a value from `mark()`).
   * @param mark @default base (frees everything)
   * @throws RangeError if mark is outside [base, current top]
   */
  reset(mark: number = this.base): void {
    if (!(mark >= this.base && mark <= this.top) || mark % ALIGN !== 0) {
      throw new RangeError(`Heap.reset: mark ${mark} is not in [${this.base}, ${this.top}] or not 16-aligned`);
    }
    this.top = mark;
  }

  /** Runs `fn` and frees what it allocated (also when it throws); returns its result. */
  scope<T>(fn: () => T): T {
    const m = this.mark();
    try {
      return fn();
    } finally {
      this.reset(m);
    }
  }

  /** Bytes currently allocated (top − base). */
  get used(): number {
    return this.top - this.base;
  }

  /** Largest `used` seen so far, in bytes. */
  get peak(): number {
    return this.peakTop - this.base;
  }

  /** Size of the whole memory in bytes (including static data below `base`). */
  get capacity(): number {
    return this.memory.buffer.byteLength;
  }

  /** The memory's current ArrayBuffer (changes when memory grows). */
  get buffer(): ArrayBuffer {
    return this.memory.buffer;
  }

  /**
   * A Float32Array over the whole memory, index = ptr / 4. Rebuilt whenever
   * the memory has grown, so reading this property always gives a live view.
   */
  get F32(): Float32Array {
    const buf = this.memory.buffer;
    if (buf !== this.viewBuffer) {
      this.viewBuffer = buf;
      this.view = new Float32Array(buf);
    }
    return this.view;
  }

  /**
   * A live Float32Array view of `len` floats at `ptr` (no copy). Valid until
   * the next `alloc` that grows memory; re-take it after allocating.
   */
  f32(ptr: number, len: number): Float32Array {
    this.check(ptr, len);
    return new Float32Array(this.memory.buffer, ptr, len);
  }

  /** Copies `data` (converted to float32) to `ptr`. */
  write(ptr: number, data: ArrayLike<number>): void {
    this.check(ptr, data.length);
    this.F32.set(data, ptr >>> 2);
  }

  /** Copies `len` floats at `ptr` out into a new Float32Array (safe to keep across growth). */
  read(ptr: number, len: number): Float32Array {
    this.check(ptr, len);
    const i = ptr >>> 2;
    return this.F32.slice(i, i + len);
  }

  /**
   * Throws RangeError unless [ptr, ptr + 4·len) is 4-aligned and inside the
   * allocated part of the arena [base, top). Used by the kernels' argument checks.
   */
  check(ptr: number, len: number): void {
    if (!Number.isInteger(ptr) || !Number.isInteger(len) || len < 0 || ptr % 4 !== 0 || ptr < this.base || ptr + 4 * len > this.top) {
      throw new RangeError(`pointer ${ptr} (+${len} floats) is not a 4-aligned range inside the allocated heap [${this.base}, ${this.top})`);
    }
  }

  private ensure(end: number): void {
    const cap = this.memory.buffer.byteLength;
    if (end <= cap) return;
    const curPages = cap / PAGE_BYTES;
    const needed = Math.ceil((end - cap) / PAGE_BYTES);
    try {
      this.memory.grow(Math.max(needed, curPages));
    } catch {
      this.memory.grow(needed); // doubling failed (limit): take just what is needed; throws RangeError if even that fails
    }
  }
}
