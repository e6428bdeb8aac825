// Messages between the MC-uncertainty panel's webview and the extension. Both sides validate what they
// receive: a webview is a web page and its messages are untrusted input.
import type { WireMcView } from './worker-messages';

export interface McSettings {
  passes: number;
  seed: number;
  masks: 'fresh' | 'consistent';
  /** "" = the model's own data (validation split), else builtin:NAME. */
  data: string;
}

export const MC_PASSES = { min: 10, max: 200, default: 30 } as const;
export const MC_DATA_CHOICES = [
  '',
  'builtin:digits',
  'builtin:iris',
  'builtin:wine',
  'builtin:breast_cancer',
  'builtin:moons',
  'builtin:circles',
  'builtin:spiral',
  'builtin:xor',
];

export type ToMcPanel =
  /** `file`: the absolute path (kept in the webview state for the serializer); `running`: a job is under way. */
  | { type: 'model'; name: string; path: string; file: string; running: boolean }
  | { type: 'running'; settings: McSettings; training: boolean }
  | { type: 'training'; epoch: number; epochs: number }
  | { type: 'partial'; view: WireMcView }
  | { type: 'done'; view: WireMcView }
  | { type: 'cancelled' }
  | { type: 'error'; message: string; noStochasticLayer: boolean };

export type FromMcPanel =
  { type: 'run'; settings: McSettings } | { type: 'cancel' } | { type: 'addDropout' } | { type: 'ready' };

/** The settings if `v` is a valid run request's settings, else undefined. */
export function validSettings(v: unknown): McSettings | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const s = v as Record<string, unknown>;
  const passes = s.passes;
  const seed = s.seed;
  if (
    typeof passes !== 'number' ||
    !Number.isInteger(passes) ||
    passes < MC_PASSES.min ||
    passes > MC_PASSES.max
  )
    return undefined;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) return undefined;
  if (s.masks !== 'fresh' && s.masks !== 'consistent') return undefined;
  if (typeof s.data !== 'string' || !MC_DATA_CHOICES.includes(s.data)) return undefined;
  return { passes, seed, masks: s.masks, data: s.data };
}

export function validFromPanel(v: unknown): FromMcPanel | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const m = v as Record<string, unknown>;
  if (m.type === 'cancel' || m.type === 'addDropout' || m.type === 'ready') return { type: m.type };
  if (m.type === 'run') {
    const settings = validSettings(m.settings);
    return settings ? { type: 'run', settings } : undefined;
  }
  return undefined;
}
