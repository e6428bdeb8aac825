// AssemblyScript: dropout with a fresh mask per element (see Kernels.dropout). The masks are mulberry32's
// stream (Rng), four draws at a time: mulberry32 is a function of its Weyl-sequence state alone, so four
// lanes start at state + 1..4 steps and all advance by four steps.

const STEP: u32 = 0x6d2b79f5;

/** mulberry32's output for the (already advanced) states in the four lanes. */
function mix(a: v128): v128 {
  let t = i32x4.mul(v128.xor(a, i32x4.shr_u(a, 15)), v128.or(a, i32x4.splat(1)));
  t = v128.xor(t, i32x4.add(t, i32x4.mul(v128.xor(t, i32x4.shr_u(t, 7)), v128.or(t, i32x4.splat(61)))));
  return v128.xor(t, i32x4.shr_u(t, 14));
}

export function dropout(
  out: usize,
  factor: usize,
  x: usize,
  n: i32,
  state: u32,
  threshold: u32,
  scale: f32,
): void {
  const n4 = n & ~3;
  let s = i32x4(state + STEP, state + 2 * STEP, state + 3 * STEP, state + 4 * STEP);
  const step = i32x4.splat(4 * STEP);
  const limit = i32x4.splat(threshold);
  const keep = f32x4.splat(scale);
  for (let i = 0; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    const f = v128.and(i32x4.ge_u(mix(s), limit), keep);
    v128.store(factor + o, f);
    v128.store(out + o, f32x4.mul(f, v128.load(x + o)));
    s = i32x4.add(s, step);
  }
  for (let i = n4; i < n; i++) {
    const o = (<usize>i) << 2;
    const u = i32x4.extract_lane(mix(i32x4.splat(state + <u32>(i + 1) * STEP)), 0);
    const f: f32 = <u32>u >= threshold ? scale : 0;
    store<f32>(factor + o, f);
    store<f32>(out + o, f * load<f32>(x + o));
  }
}
