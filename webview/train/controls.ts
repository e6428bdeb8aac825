// The form: data set (built-in, synthetic 2-D with a noise level, or a workspace CSV with its label
// column), epochs, seed, sweep rates, and one button per experiment. All reachable with Tab and Enter.
import type { ExperimentKind, RunRequest } from '../../src/protocol/train-panel';
import type { ViewState } from './view-state';

export const EXPERIMENTS: [ExperimentKind, string, string][] = [
  ['as-is', 'Train as is', 'This model with its own dropout'],
  [
    'compare',
    'With vs without dropout',
    'Same initial weights and data order, dropout removed in the second run',
  ],
  ['sweep', 'Rate sweep', 'Every dropout layer at each rate'],
  ['variants', 'Variants', 'Standard, Gaussian and alpha dropout'],
  ['scaling', 'Inverted vs inference-scale', 'Scale by 1/(1−p) in training, or by 1−p at inference'],
  ['schedules', 'Early / late dropout', 'Dropout throughout, only early, only late (Liu et al. 2023)'],
];

type Field = HTMLElement & { value: string };

function field(
  tag: string,
  id: string,
  label: string,
  attrs: Record<string, string> = {},
): [HTMLElement, Field] {
  const wrap = document.createElement('div');
  wrap.className = 'field';
  const l = document.createElement('vscode-label');
  l.setAttribute('for', id);
  l.textContent = label;
  const input = document.createElement(tag) as Field;
  input.id = id;
  for (const [k, v] of Object.entries(attrs)) input.setAttribute(k, v);
  wrap.append(l, input);
  return [wrap, input];
}

function option(value: string, label: string, selected: boolean): HTMLElement {
  const o = document.createElement('vscode-option');
  o.setAttribute('value', value);
  o.textContent = label;
  if (selected) o.setAttribute('selected', '');
  return o;
}

export function renderControls(
  host: HTMLElement,
  state: ViewState,
  onChange: (form: ViewState['form'], dataChanged: boolean) => void,
  onRun: (request: RunRequest) => void,
  onCancel: () => void,
): void {
  const form = { ...state.form };
  const data = form.data ?? state.model?.data ?? state.choices[0]?.spec ?? '';
  const choice = state.choices.find((c) => c.spec === data);
  const [dataWrap, dataSelect] = field('vscode-single-select', 'data', 'Data');
  for (const c of state.choices) dataSelect.append(option(c.spec, c.label, c.spec === data));
  const row = document.createElement('div');
  row.className = 'row';
  row.append(dataWrap);
  let labelSelect: Field | undefined;
  if (choice?.columns) {
    const [wrap, select] = field('vscode-single-select', 'label-column', 'Label column');
    const current = form.labelColumn ?? (choice.columns.includes('label') ? 'label' : choice.columns.at(-1));
    for (const c of choice.columns) select.append(option(c, c, c === current));
    row.append(wrap);
    labelSelect = select;
  }
  let noise: Field | undefined;
  if (choice?.noise) {
    const [wrap, input] = field('vscode-textfield', 'noise', 'Noise', {
      type: 'number',
      value: String(form.noise),
      step: '0.05',
      min: '0',
    });
    row.append(wrap);
    noise = input;
  }
  const [epochsWrap, epochs] = field('vscode-textfield', 'epochs', 'Epochs', {
    type: 'number',
    min: '1',
    value: String(form.epochs ?? state.model?.epochs ?? 20),
  });
  const [seedWrap, seed] = field('vscode-textfield', 'seed', 'Seed', {
    type: 'number',
    min: '0',
    value: String(form.seed ?? state.model?.seed ?? 0),
  });
  const [ratesWrap, rates] = field('vscode-textfield', 'rates', 'Sweep rates', { value: form.rates });
  row.append(epochsWrap, seedWrap, ratesWrap);

  const read = (): ViewState['form'] => ({
    data: dataSelect.value || data,
    labelColumn: labelSelect?.value,
    noise: noise ? Number(noise.value) : form.noise,
    epochs: Number(epochs.value),
    seed: Number(seed.value),
    rates: rates.value,
  });
  dataSelect.addEventListener('change', () => onChange({ ...read(), labelColumn: undefined }, true));
  for (const f of [labelSelect, noise, epochs, seed, rates])
    f?.addEventListener('change', () => onChange(read(), false));

  const buttons = document.createElement('div');
  buttons.className = 'row buttons';
  buttons.setAttribute('role', 'toolbar');
  buttons.setAttribute('aria-label', 'Experiments');
  for (const [kind, label, title] of EXPERIMENTS) {
    const b = document.createElement('vscode-button');
    b.textContent = label;
    b.title = title;
    b.dataset.experiment = kind;
    // Until the extension has sent the data choices there is nothing to train on.
    if (state.running || state.choices.length === 0) b.setAttribute('disabled', '');
    b.addEventListener('click', () => {
      const f = read();
      const isSynthetic = state.choices.find((c) => c.spec === f.data)?.noise;
      const sweep = f.rates
        .split(/[,\s]+/)
        .filter(Boolean)
        .map(Number);
      onRun({
        experiment: kind,
        data: isSynthetic ? `${f.data}?noise=${f.noise}` : (f.data ?? ''),
        ...(f.labelColumn ? { labelColumn: f.labelColumn } : {}),
        epochs: f.epochs ?? 20,
        seed: f.seed ?? 0,
        ...(kind === 'sweep' ? { rates: sweep } : {}),
      });
    });
    buttons.append(b);
  }
  const cancel = document.createElement('vscode-button');
  cancel.textContent = 'Cancel';
  cancel.id = 'cancel';
  cancel.setAttribute('secondary', '');
  if (!state.running) cancel.setAttribute('disabled', '');
  cancel.addEventListener('click', onCancel);
  buttons.append(cancel);
  host.replaceChildren(row, buttons);
}
