// Compiles the AssemblyScript kernels (src/core/engine/kernels/wasm/) to a WebAssembly SIMD module and
// returns it base64-encoded; esbuild.mjs inlines it into every build as __KERNELS_WASM__, and the same
// sources built with relaxed SIMD (fused multiply-add) as __KERNELS_WASM_RELAXED__, which the engine
// uses where the runtime validates it (kernels/select.ts). The memory is imported and shared, so the JS
// side owns allocation and growth never detaches its views.
import asc from 'assemblyscript/asc';

const ENTRY = 'src/core/engine/kernels/wasm/index.ts';

/** `relaxed`: also enable relaxed SIMD (the sources test ASC_FEATURE_RELAXED_SIMD). */
export async function buildWasm({ relaxed = false } = {}) {
  let binary;
  const { error, stderr } = await asc.main(
    [
      ENTRY,
      '--outFile',
      'kernels.wasm',
      '-O3',
      '--enable',
      relaxed ? 'simd,threads,relaxed-simd' : 'simd,threads',
      '--runtime',
      'stub',
      '--noAssert',
      '--use',
      'abort=',
      '--importMemory',
      '--sharedMemory',
      '--initialMemory',
      '1',
      // The whole wasm32 range, so the JS side may pick any maximum for the memory it provides.
      '--maximumMemory',
      '65536',
    ],
    { writeFile: (_name, contents) => void (binary = contents) },
  );
  if (error) throw new Error(`AssemblyScript: ${error.message}\n${stderr.toString()}`);
  return Buffer.from(binary).toString('base64');
}
