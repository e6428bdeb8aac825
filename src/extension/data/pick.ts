// What the data chooser checks of a pick against its offer, and what a job is given for it. No VS Code
// here: the rules run in unit tests.
import { specBase, type DataChoice, type DataPick } from '../../protocol/data-choice';

/** The model's own training data as offered: its base spec and its class column by name, when known. */
export interface TrainingData {
  data: string;
  labelColumn?: string;
}

/** The column a CSV is read with when none is named (core/data/csv.ts). */
const CSV_LABEL = 'label';

/** A training block's class column by name: a 0-based number names the file's column at that index. */
export function labelName(
  labelColumn: string | number | undefined,
  columns: readonly string[] | undefined,
): string | undefined {
  return typeof labelColumn === 'number' ? columns?.[labelColumn] : labelColumn;
}

/** Only offered data, and only a column its file has; throws with the next step otherwise. */
export function checkPick(offered: readonly DataChoice[], pick: DataPick): void {
  const choice = offered.find((c) => c.spec === specBase(pick.data));
  if (!choice) throw new Error(`unknown data "${pick.data}": pick data from the list, or Browse… for a file`);
  if (pick.labelColumn !== undefined && !choice.columns?.includes(pick.labelColumn))
    throw new Error(`${choice.label} has no column "${pick.labelColumn}": pick one of its columns`);
}

/**
 * What a job is given: nothing for the model's own training data read with its own class column (the job
 * reads it as the training block names it, with its options and the split its weights were trained on),
 * else the pick.
 */
export function jobDataFor(training: TrainingData | undefined, pick: DataPick): Partial<DataPick> {
  const own =
    training !== undefined &&
    pick.data === training.data &&
    (pick.labelColumn === undefined || pick.labelColumn === (training.labelColumn ?? CSV_LABEL));
  return own ? {} : dataPickOf(pick);
}

/** Just the data fields of a message that carries a pick (a run's settings), to keep or pass on. */
export const dataPickOf = ({ data, labelColumn }: DataPick): DataPick => ({
  data,
  ...(labelColumn !== undefined ? { labelColumn } : {}),
});
