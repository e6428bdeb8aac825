// The image preprocessing each model last ran with, kept in the workspace's state under the model's URI
// (never in a file of the user's), and the offer the MC panel shows: the remembered one when it still fits
// the model, else the one its input shape suggests. No VS Code here beyond the Memento's shape: unit-tested.
import {
  parseImagePreprocessing,
  type ImagePreprocessing,
  type PreprocessingOffer,
} from '../../protocol/preprocessing';
import type { ModelInput } from '../../protocol/worker';

/** The part of a vscode.Memento the memory uses. */
export interface PreprocessingStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

export class PreprocessingMemory {
  constructor(private readonly store: PreprocessingStore) {}

  private static key(model: string): string {
    return `dropoutLens.preprocessing:${model}`;
  }

  /** What `model` (a URI string) last ran with, if it still fits `inputShape` (a re-exported model may not). */
  recall(model: string, inputShape?: readonly number[]): ImagePreprocessing | undefined {
    return parseImagePreprocessing(this.store.get(PreprocessingMemory.key(model)), inputShape);
  }

  remember(model: string, preprocessing: ImagePreprocessing): Thenable<void> {
    return this.store.update(PreprocessingMemory.key(model), preprocessing);
  }

  /**
   * The panel's offer for `model`: undefined when its input is no image (nothing to preprocess).
   * `imagenet`: ImageNet's statistics, for the form's button.
   */
  offer(
    model: string,
    input: Pick<ModelInput, 'inputShape' | 'preprocessing'>,
    imagenet: PreprocessingOffer['imagenet'],
  ): PreprocessingOffer | undefined {
    if (!input.preprocessing) return undefined;
    const current = this.recall(model, input.inputShape) ?? input.preprocessing;
    return {
      current,
      default: input.preprocessing,
      imagenet,
      ...(input.inputShape ? { inputShape: input.inputShape } : {}),
    };
  }
}
