// Resolves a data spec: `builtin:digits|iris|wine|breast_cancer` (the CSVs shipped in data/),
// `builtin:moons|circles|spiral|xor[?n=…&noise=…]` (seeded synthetic sets) or a CSV file path.
import { parseCsv } from './csv';
import { DataError, type Dataset } from './dataset';
import { SYNTHETIC_NAMES, synthetic, type SyntheticName } from './synthetic';

export const BUILTIN_CSV = ['digits', 'iris', 'wine', 'breast_cancer'] as const;

export interface DataSource {
  /** Reads a file named by the user. */
  readFile(path: string): string;
  /** Reads `data/<name>.csv` shipped with the product. */
  readBuiltin(name: string): string;
}

export function loadData(
  spec: string,
  source: DataSource,
  seed = 0,
  options: { labelColumn?: string | number } = {},
): Dataset {
  if (!spec.startsWith('builtin:'))
    return parseCsv(source.readFile(spec), { name: spec, labelColumn: options.labelColumn });
  const [name = '', query = ''] = spec.slice('builtin:'.length).split('?');
  if ((BUILTIN_CSV as readonly string[]).includes(name))
    return parseCsv(source.readBuiltin(name), { name: `data/${name}.csv` });
  if ((SYNTHETIC_NAMES as readonly string[]).includes(name)) {
    const params = new URLSearchParams(query);
    const num = (k: string) => (params.has(k) ? Number(params.get(k)) : undefined);
    return synthetic(name as SyntheticName, { n: num('n'), noise: num('noise'), seed: num('seed') ?? seed });
  }
  throw new DataError(
    `unknown data set "${spec}"; built-in sets: ${[...BUILTIN_CSV, ...SYNTHETIC_NAMES].map((n) => `builtin:${n}`).join(', ')}`,
  );
}
