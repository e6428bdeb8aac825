// The data chooser both the Train and the MC panel show: the data sets the extension offered (each with
// its features per sample), the label column of a CSV, Browse… for a file anywhere, and, when no data
// fits the model, a line that says so with the next step. Which data fits is the extension's to decide.
import {
  defaultLabelColumn,
  type BrowseTarget,
  type DataChoice,
  type DataOffer,
  type DataPick,
} from '../../src/protocol/data-choice';
import { button, labelled, singleSelect, type Field } from './controls';
import { h } from './dom';

export interface DataChooserInput {
  /** Undefined until the extension has offered the data. */
  offer?: DataOffer;
  pick: Partial<DataPick>;
  disabled: boolean;
  /** The user changed the data (`dataChanged`: the set, so the label column starts over) or its column. */
  onChange(pick: Partial<DataPick>, dataChanged: boolean): void;
  onBrowse(target: BrowseTarget): void;
  /** Offer Browse for a folder of images beside Browse for a file (the MC panel). */
  folders?: boolean;
}

export interface DataChooser {
  /** The fields in order, for the panel's form row. */
  fields: HTMLElement[];
  /** The choice picked, if any. */
  choice?: DataChoice;
  /** The pick as the fields show it now (undefined when no data is picked). */
  read(): DataPick | undefined;
}

const optionText = (c: DataChoice) => (c.features ? `${c.label} · ${c.features} features` : c.label);

export function dataChooser(input: DataChooserInput): DataChooser {
  const { offer, pick } = input;
  const choices = offer?.choices ?? [];
  const choice = choices.find((c) => c.spec === pick.data);
  const none: [string, string][] = choice ? [] : [['', offer ? 'No data picked' : 'Loading…']];
  const dataSelect = singleSelect(
    'data',
    [...none, ...choices.map((c): [string, string] => [c.spec, optionText(c)])],
    choice?.spec ?? '',
  );
  const fields = [labelled('Data', dataSelect)];
  let labelSelect: Field | undefined;
  if (choice?.columns) {
    labelSelect = singleSelect(
      'label-column',
      choice.columns.map((c) => [c, c]),
      pick.labelColumn ?? defaultLabelColumn(choice.columns),
    );
    fields.push(labelled('Label column', labelSelect));
  }
  const browse = button(
    'Browse…',
    {
      id: 'browse-data',
      secondary: true,
      title: input.folders ? 'Pick a data file anywhere: CSV, .npy or .npz' : 'Pick a data file anywhere',
      disabled: input.disabled || !offer,
    },
    () => input.onBrowse('file'),
  );
  fields.push(browse);
  if (input.folders)
    fields.push(
      button(
        'Browse for images…',
        {
          id: 'browse-images',
          secondary: true,
          title: 'Pick a folder of images: one subfolder a class (PNG, JPEG)',
          disabled: input.disabled || !offer,
        },
        () => input.onBrowse('folder'),
      ),
    );
  if (!choice && offer?.message)
    fields.push(h('p', { id: 'data-message', class: 'data-message', role: 'status' }, offer.message));

  const read = (): DataPick | undefined => {
    const data = dataSelect.value;
    if (!data) return undefined;
    return { data, ...(labelSelect?.value ? { labelColumn: labelSelect.value } : {}) };
  };
  dataSelect.addEventListener('change', () => input.onChange({ data: dataSelect.value || undefined }, true));
  labelSelect?.addEventListener('change', () => input.onChange(read() ?? {}, false));
  return { fields, choice, read };
}
