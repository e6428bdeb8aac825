// AssemblyScript: PyTorch's Adam update over float32 vectors at byte addresses (see optimizers.ts).
// step = lr / (1 − β1ᵗ); g ← g + λ·w; m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²;
// w ← w − step · m / (√v / √(1 − β2ᵗ) + ε), computed as w − (step·c)·m / (√v + ε·c) with c = √(1 − β2ᵗ):
// the same value up to float rounding, with one division instead of two (the divider bounds this loop).
export function adam(
  w: usize,
  g: usize,
  m: usize,
  v: usize,
  n: i32,
  step: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  sqrtBc2: f32,
  decay: f32,
): void {
  const n4 = n & ~3;
  const vStep = f32x4.splat(step * sqrtBc2);
  const vB1 = f32x4.splat(beta1);
  const vB2 = f32x4.splat(beta2);
  const vC1 = f32x4.splat(1 - beta1);
  const vC2 = f32x4.splat(1 - beta2);
  const vEps = f32x4.splat(eps * sqrtBc2);
  const vDecay = f32x4.splat(decay);
  for (let i = 0; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    const wi = v128.load(w + o);
    const gi = f32x4.add(v128.load(g + o), f32x4.mul(vDecay, wi));
    const mi = f32x4.add(f32x4.mul(vB1, v128.load(m + o)), f32x4.mul(vC1, gi));
    const vi = f32x4.add(f32x4.mul(vB2, v128.load(v + o)), f32x4.mul(vC2, f32x4.mul(gi, gi)));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    const denom = f32x4.add(f32x4.sqrt(vi), vEps);
    v128.store(w + o, f32x4.sub(wi, f32x4.div(f32x4.mul(vStep, mi), denom)));
  }
  for (let i = n4; i < n; i++) {
    const o = (<usize>i) << 2;
    const wi = load<f32>(w + o);
    const gi = load<f32>(g + o) + decay * wi;
    const mi = beta1 * load<f32>(m + o) + (1 - beta1) * gi;
    const vi = beta2 * load<f32>(v + o) + (1 - beta2) * gi * gi;
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    store<f32>(w + o, wi - (step * sqrtBc2 * mi) / (Mathf.sqrt(vi) + eps * sqrtBc2));
  }
}
