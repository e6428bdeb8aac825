// The ids of the extension's editors and panels (as in package.json), shared by the light activation
// path, which registers them, and the modules that create them.
/**
 * The model view as the read-only editor of binary model files (BINARY_MODEL_EXTENSIONS). The id dates
 * from when it served ONNX alone and stays: users' `workbench.editorAssociations` name it.
 */
export const MODEL_FILE_EDITOR = 'dropoutLens.onnxModel';
export const MODEL_PANEL = 'dropoutLens.modelView';
export const TRAIN_VIEW_TYPE = 'dropoutLens.train';
export const MC_VIEW_TYPE = 'dropoutLens.mc';
