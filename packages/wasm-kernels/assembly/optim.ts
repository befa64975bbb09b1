// Optimizers.

/**
 * Fused Adam step (Kingma & Ba 2015, "Adam: A Method for Stochastic
 * Optimization", Algorithm 1), one pass over param/grad/m/v:
 *   m ← β1·m + (1−β1)·g
 *   v ← β2·v + (1−β2)·g²
 *   θ ← θ − lr · m̂ / (√v̂ + ε),   m̂ = m/(1−β1^t), v̂ = v/(1−β2^t)
 * `step` is t ≥ 1 (the first update is step 1); the bias corrections are
 * computed in f64 and rounded once. Aborts if step < 1.
 */
export function adam(param: usize, grad: usize, m: usize, v: usize, len: i32, lr: f32, beta1: f32, beta2: f32, eps: f32, step: i32): void {
  assert(step >= 1, 'adam: step must be >= 1 (t counts from 1)');
  const c1 = <f32>(1.0 / (1.0 - Math.pow(<f64>beta1, <f64>step)));
  const c2 = <f32>(1.0 / (1.0 - Math.pow(<f64>beta2, <f64>step)));
  const b1 = f32x4.splat(beta1), b2 = f32x4.splat(beta2);
  const ob1 = f32x4.splat(<f32>1.0 - beta1), ob2 = f32x4.splat(<f32>1.0 - beta2);
  const vc1 = f32x4.splat(c1), vc2 = f32x4.splat(c2);
  const vlr = f32x4.splat(lr), veps = f32x4.splat(eps);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    const g = v128.load(grad + o);
    const mm = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(ob1, g));
    const vv = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(ob2, f32x4.mul(g, g)));
    v128.store(m + o, mm);
    v128.store(v + o, vv);
    const upd = f32x4.div(f32x4.mul(vlr, f32x4.mul(mm, vc1)), f32x4.add(f32x4.sqrt(f32x4.mul(vv, vc2)), veps));
    v128.store(param + o, f32x4.sub(v128.load(param + o), upd));
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    const g = load<f32>(grad + o);
    const mm = beta1 * load<f32>(m + o) + (<f32>1.0 - beta1) * g;
    const vv = beta2 * load<f32>(v + o) + (<f32>1.0 - beta2) * (g * g);
    store<f32>(m + o, mm);
    store<f32>(v + o, vv);
    const upd = (lr * (mm * c1)) / (Mathf.sqrt(vv * c2) + eps);
    store<f32>(param + o, load<f32>(param + o) - upd);
  }
}
