// A folder of images as a DataStream, in torchvision's ImageFolder layout: DIR/<class>/…/<image>, classes
// sorted by name give labels 0..C−1 (files below a class folder are read recursively, in name order).
// A folder with no subfolders is one unlabelled set of images. PNG and JPEG files are samples; other files
// (and files directly in DIR beside class folders) are left out and counted; links leading out of DIR are
// not followed. A batch reads and decodes only its own images, so memory stays bounded by the batch size.
// A file named as an image that cannot be decoded stops the run with an error naming it: skipping it would
// quietly change the samples and their count.
import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, sep } from 'node:path';
import { readFileWithinAsync } from '../../io/node-files';
import type { SizeLimit } from '../../io/size-limit';
import { DataError } from '../dataset';
import { checkBatchSize } from '../dataset-stream';
import { imageSampleShape } from '../preprocessing';
import type { DataStream, ImagePreprocessing, SampleBatch } from '../stream';
import { imageThumbnail, writeImageSample } from './image-sample';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'];

const isImageName = (name: string) => IMAGE_EXTENSIONS.includes(extname(name).toLowerCase());
const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

interface Listing {
  /** Real paths of the images, in sample order. */
  files: string[];
  labels: number[];
  classNames?: string[];
  skipped: number;
}

/** Lists the images of `dir` (a real path); every path it returns is inside `dir`. */
async function listImages(dir: string): Promise<Listing> {
  const inside = (path: string) => {
    const rel = relative(dir, path);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.split(sep).includes('..'));
  };
  let skipped = 0;
  const seenDirs = new Set<string>([dir]);
  /** What an entry is after following a link that stays inside `dir`; undefined when it leaves. */
  const resolveEntry = async (
    parent: string,
    e: Dirent,
  ): Promise<{ path: string; kind: 'dir' | 'file' | 'other' } | undefined> => {
    const path = join(parent, e.name);
    if (!e.isSymbolicLink()) return { path, kind: e.isDirectory() ? 'dir' : e.isFile() ? 'file' : 'other' };
    const target = await realpath(path).catch(() => undefined);
    if (target === undefined || !inside(target)) return undefined;
    const s = await stat(target);
    return { path: target, kind: s.isDirectory() ? 'dir' : s.isFile() ? 'file' : 'other' };
  };
  const entries = async (d: string) => (await readdir(d, { withFileTypes: true })).sort(byName);
  const walk = async (d: string, into: string[]): Promise<void> => {
    for (const e of await entries(d)) {
      const r = await resolveEntry(d, e);
      if (r?.kind === 'dir') {
        if (seenDirs.has(r.path)) continue;
        seenDirs.add(r.path);
        await walk(r.path, into);
      } else if (r?.kind === 'file' && isImageName(e.name)) into.push(r.path);
      else skipped++;
    }
  };

  const top = await entries(dir);
  const resolved = await Promise.all(top.map((e) => resolveEntry(dir, e)));
  const classDirs = top.flatMap((e, i) =>
    resolved[i]?.kind === 'dir' ? [{ name: e.name, path: resolved[i].path }] : [],
  );
  if (classDirs.length === 0) {
    const files: string[] = [];
    top.forEach((e, i) => {
      const r = resolved[i];
      if (r?.kind === 'file' && isImageName(e.name)) files.push(r.path);
      else skipped++;
    });
    return { files, labels: files.map(() => -1), skipped };
  }
  skipped += top.length - classDirs.length;
  const files: string[] = [];
  const labels: number[] = [];
  for (const [label, c] of classDirs.entries()) {
    seenDirs.add(c.path);
    const before = files.length;
    await walk(c.path, files);
    for (let i = before; i < files.length; i++) labels.push(label);
  }
  return { files, labels, classNames: classDirs.map((c) => c.name), skipped };
}

export async function openImageFolder(
  folder: string,
  preprocessing: ImagePreprocessing,
  limit: SizeLimit,
  name = folder,
): Promise<DataStream> {
  const dir = await realpath(folder);
  const { files, labels, classNames, skipped } = await listImages(dir);
  if (files.length === 0)
    throw new DataError(
      `${name}: no PNG or JPEG images in the folder or its class subfolders (${skipped} other entries)`,
    );
  const sampleShape = imageSampleShape(preprocessing);
  const sampleSize = sampleShape.reduce((a, b) => a * b, 1);
  const y = Int32Array.from(labels);
  const sampleName = (index: number) =>
    relative(dir, files[index] as string)
      .split(sep)
      .join('/');
  return {
    name,
    count: files.length,
    sampleShape,
    labelled: classNames !== undefined,
    classNames,
    preprocessing,
    skipped,
    sampleName,
    async *batches(size: number): AsyncIterable<SampleBatch> {
      checkBatchSize(size);
      for (let start = 0; start < files.length; start += size) {
        const n = Math.min(size, files.length - start);
        const x = new Float32Array(n * sampleSize);
        for (let i = 0; i < n; i++) {
          const file = files[start + i] as string;
          writeImageSample(await readFileWithinAsync(file, limit), file, preprocessing, x, i * sampleSize);
        }
        yield { start, n, x, y: y.slice(start, start + n) };
      }
    },
    async thumbnail(index: number, side: number) {
      const file = files[index];
      if (file === undefined) throw new RangeError(`no sample ${index} in ${name} (${files.length} samples)`);
      return imageThumbnail(await readFileWithinAsync(file, limit), file, side);
    },
  };
}
