// The product's job for the peer benchmark kit: runs one workload and prints one JSON line with the
// kit's field names. Needs the build (`npm run build`); DROPOUT_LENS_KERNELS=js|wasm picks the kernels.
// Usage: node bench/product.mjs w1|w2|w3|w5|kernels [w1 options: --workers 1|2] [w3 options: --passes T --rows N --reps N]
//        [w5 options: --threads N --reps N --whole-graph]
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** A numeric option's value (`--name N`), or undefined. */
const option = (name) => {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : Number(process.argv[at + 1]);
};
const workloads = {
  w1: () => require('../out/bench/w1.js').runW1({ workers: option('--workers') }),
  w2: () => require('../out/bench/w2.js').runW2(),
  w3: () => require('../out/bench/w3.js').runW3(process.argv.slice(3)),
  w5: () => require('../out/bench/w5.js').runW5(process.argv.slice(3)),
  // One line per kernel and shape.
  kernels: () => require('../out/bench/kernels.js').runKernels(process.argv.slice(3)),
};
const run = workloads[process.argv[2]];
if (!run) {
  console.error(`usage: node bench/product.mjs ${Object.keys(workloads).join('|')}`);
  process.exit(2);
}
const result = await run();
for (const line of Array.isArray(result) ? result : [result]) console.log(JSON.stringify(line));
