// The largest file Dropout Lens reads (a model, its weights or external data, a CSV). Checked against the
// file's size on disk before reading, so a hostile or mistaken multi-gigabyte file is refused unread.

export interface SizeLimit {
  bytes: number;
  /** Where the limit comes from, for the message (a setting name or a command-line option). */
  setting: string;
}

export const DEFAULT_MAX_FILE_MB = 2048;

export const DEFAULT_SIZE_LIMIT: SizeLimit = {
  bytes: DEFAULT_MAX_FILE_MB * 2 ** 20,
  setting: 'dropoutLens.maxFileSizeMB',
};

export class FileTooLargeError extends Error {
  constructor(
    readonly path: string,
    readonly size: number,
    readonly limit: SizeLimit,
  ) {
    super(
      `${path} is ${megabytes(size)} MB (${size} bytes), more than the ${megabytes(limit.bytes)} MB ` +
        `limit set by ${limit.setting}; raise it to read the file`,
    );
    this.name = 'FileTooLargeError';
  }
}

const megabytes = (bytes: number) => String(Math.round((bytes / 2 ** 20) * 10) / 10);

/** Throws FileTooLargeError when `size` (from a stat) exceeds the limit. */
export function checkFileSize(path: string, size: number, limit: SizeLimit): void {
  if (size > limit.bytes) throw new FileTooLargeError(path, size, limit);
}

/** A limit in megabytes from a setting; anything but a positive number gives the default. */
export function sizeLimitFromMegabytes(mb: unknown, setting = DEFAULT_SIZE_LIMIT.setting): SizeLimit {
  const value = typeof mb === 'number' && Number.isFinite(mb) && mb > 0 ? mb : DEFAULT_MAX_FILE_MB;
  return { bytes: Math.floor(value * 2 ** 20), setting };
}
