// What every format reader implements, and the one error type readers throw.
import type { Graph, ModelFormat, SourceRange } from '../model/ir';

/** A model file as readers see it: its bytes, and a way to read files beside it (weights, external data). */
export interface ModelSource {
  /** Path or URI path of the file, for messages and for name-based sniffing (`*.nn.json`, `model.json`). */
  path: string;
  bytes: Uint8Array;
  /**
   * The bytes as text (see sourceText): given by a caller that already has it (an editor's document),
   * else filled in by the first reader that needs it, so a file is decoded at most once.
   */
  text?: string;
  /**
   * Reads a file relative to the model's folder. Implementations refuse paths that leave that folder
   * (`..`, absolute paths, links out). Absent where the caller cannot read siblings.
   */
  readSibling?: (relativePath: string) => Promise<Uint8Array>;
  /** Size in bytes of a file beside the model, confined as `readSibling` is (the model's size on disk). */
  siblingSize?: (relativePath: string) => Promise<number>;
}

export interface ModelReader {
  format: ModelFormat;
  /** Cheap sniff of a few bytes or keys: true when this reader should open the file. Never throws. */
  match(source: ModelSource): boolean;
  /** Parses the file into the IR. Throws ModelFormatError on bad input. Does not load weights. */
  open(source: ModelSource): Graph;
}

/** A file that is not a valid model of the format it claims to be. The message names format and place. */
export class ModelFormatError extends Error {
  constructor(
    readonly format: ModelFormat | 'unknown',
    message: string,
    readonly location?: SourceRange | { byteOffset: number } | { node: string },
  ) {
    super(message);
    this.name = 'ModelFormatError';
  }
}

/** The source's text, decoded on first use and kept on the source for every later reader and rule. */
export function sourceText(source: ModelSource): string {
  return (source.text ??= decodeText(source.bytes));
}

/** Decodes UTF-8 text; a byte-order mark is dropped so offsets match what editors show. */
export function decodeText(bytes: Uint8Array): string {
  const text = new TextDecoder('utf-8').decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
