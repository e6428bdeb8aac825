// The ids of the extension's editors and panels (as in package.json), shared by the light activation
// path, which registers them, and the modules that create them.
export const ONNX_EDITOR = 'dropoutLens.onnxModel';
export const MODEL_PANEL = 'dropoutLens.modelView';
export const TRAIN_VIEW_TYPE = 'dropoutLens.train';
export const MC_VIEW_TYPE = 'dropoutLens.mc';
