// AssemblyScript entry of the WebAssembly kernels module: everything it exports.
export { matmulNT, matmulNN, matmulTN, packBytes } from './matmul';
export { adam } from './adam';
export { addBias, addScaled, mul, relu, reluGrad, sumRows } from './elementwise';
export { dropout } from './dropout';
