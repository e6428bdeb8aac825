// The engine's one error type: a model, data or weights the engine cannot run. It sits at the engine's
// bottom so every part (kernels up to mc) can throw it.
export class EngineError extends Error {}
