/**
 * Deterministic transcendental functions for every estimator in core.
 *
 * `Math.log`, `Math.exp`, `Math.pow`, … are not pinned down by ECMAScript and
 * differ in the last bit between engines (Node 20's V8 and Chromium 156's
 * disagree on up to 8% of `Math.log` results, by range), which would break "the same
 * seed gives the same number in Node and in the browser". These are ports of
 * fdlibm (Sun Microsystems, 1993): pure IEEE 754 arithmetic, so every engine
 * returns the same bits. They live in `@mine/wasm-kernels` because its
 * TypeScript reference backend needs them too, and core depends on it.
 */
export { log, exp, log1p, expm1, pow, tanh, asinh, sinPi } from '@mine/wasm-kernels';
