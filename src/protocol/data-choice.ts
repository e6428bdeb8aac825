// The data chooser's contract, the same for every panel that runs a model on data (Train, MC): what the
// extension offers (the choices with their widths and the default that fits the model) and what the page
// picks. The extension checks every pick against what it offered.
import { isArrayOf, isInt, isObj, isShortString, isStr, optional } from './guards';

/**
 * What the chooser offers, as the user sees it: a shipped CSV, a seeded synthetic 2-D set (takes a noise
 * level), a user's CSV file, a NumPy array file (.npy, or .npz with inputs and labels) and a folder of
 * images (one subfolder a class). Not core/data's DataKind, which says which reader a spec needs (it
 * tells .npy from .npz, and knows no synthetic sets: they are built-ins with options).
 */
export type DataChoiceKind = 'builtin' | 'synthetic' | 'csv' | 'npy' | 'images';
export const DATA_CHOICE_KINDS: readonly DataChoiceKind[] = ['builtin', 'synthetic', 'csv', 'npy', 'images'];

/** What Browse… opens the dialog for: a data file, or a folder of images. */
export type BrowseTarget = 'file' | 'folder';

export interface DataChoice {
  /** A data spec as `loadData` reads it (`builtin:NAME` or an absolute file path). */
  spec: string;
  label: string;
  kind: DataChoiceKind;
  /** Features per sample, when known (what the model's input width is matched with). */
  features?: number;
  /** CSV files: the header's columns, for the label picker. */
  columns?: string[];
}

export interface DataOffer {
  choices: DataChoice[];
  /** The default: the choice that fits the model (see core/data/fit.ts); absent when none fits. */
  selected?: string;
  labelColumn?: string;
  /** Why nothing is selected, with the next step ("no data with 32 features: Browse… for a CSV"). */
  message?: string;
}

/** What the page runs with. */
export interface DataPick {
  data: string;
  labelColumn?: string;
}

/** The choice a spec is: a built-in set without its options (`builtin:moons?noise=0.2`), a file path whole. */
export const specBase = (spec: string): string =>
  spec.startsWith('builtin:') ? (spec.split('?')[0] ?? spec) : spec;

/** `current` when it is still on offer (the user's own pick survives a new offer), else the default. */
export function pickIn(offer: DataOffer, current?: Partial<DataPick>): DataPick | undefined {
  const kept = offer.choices.find((c) => current?.data && c.spec === specBase(current.data));
  if (kept) return { data: kept.spec, ...(current?.labelColumn ? { labelColumn: current.labelColumn } : {}) };
  if (offer.selected === undefined) return undefined;
  return { data: offer.selected, ...(offer.labelColumn ? { labelColumn: offer.labelColumn } : {}) };
}

/** The label column a CSV choice starts with: "label" when it has one, else its last column. */
export const defaultLabelColumn = (columns: string[]): string | undefined =>
  columns.includes('label') ? 'label' : columns.at(-1);

export const isDataChoice = (v: unknown): v is DataChoice =>
  isObj(v) &&
  isStr(v.spec) &&
  isStr(v.label) &&
  DATA_CHOICE_KINDS.includes(v.kind as DataChoiceKind) &&
  optional(v.features, (f) => isInt(f, 1, 2 ** 31)) &&
  optional(v.columns, (c) => isArrayOf(c, isStr));

export const isDataOffer = (v: unknown): v is DataOffer =>
  isObj(v) &&
  isArrayOf(v.choices, isDataChoice) &&
  optional(v.selected, isStr) &&
  optional(v.labelColumn, isStr) &&
  optional(v.message, isStr);

/** The pick in a message's `data` and `labelColumn` fields (what they name, the host checks against its offer). */
export function parseDataPick(v: Record<string, unknown>): DataPick | undefined {
  if (!isShortString(v.data) || !optional(v.labelColumn, isShortString)) return undefined;
  return { data: v.data, ...(v.labelColumn !== undefined ? { labelColumn: v.labelColumn as string } : {}) };
}
