// The form: data set (built-in, synthetic 2-D with a noise level, or a workspace CSV with its label
// column), epochs, seed, sweep rates, and one button per experiment. All reachable with Tab and Enter.
import type { ExperimentKind, RunRequest } from '../../src/protocol/train-panel';
import { button, labelled, singleSelect, textField, type Field } from '../shared/controls';
import { h } from '../shared/dom';
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
  const dataSelect = singleSelect(
    'data',
    state.choices.map((c) => [c.spec, c.label]),
    data,
  );
  const row = h('div', { class: 'row' }, labelled('Data', dataSelect));
  let labelSelect: Field | undefined;
  if (choice?.columns) {
    const current = form.labelColumn ?? (choice.columns.includes('label') ? 'label' : choice.columns.at(-1));
    labelSelect = singleSelect(
      'label-column',
      choice.columns.map((c) => [c, c]),
      current,
    );
    row.append(labelled('Label column', labelSelect));
  }
  let noise: Field | undefined;
  if (choice?.noise) {
    noise = textField('noise', { type: 'number', value: form.noise, step: 0.05, min: 0 });
    row.append(labelled('Noise', noise));
  }
  const epochs = textField('epochs', {
    type: 'number',
    min: 1,
    value: form.epochs ?? state.model?.epochs ?? 20,
  });
  const seed = textField('seed', { type: 'number', min: 0, value: form.seed ?? state.model?.seed ?? 0 });
  const rates = textField('rates', { value: form.rates });
  row.append(labelled('Epochs', epochs), labelled('Seed', seed), labelled('Sweep rates', rates));

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

  // Until the extension has sent the data choices there is nothing to train on.
  const idle = !state.running && state.choices.length > 0;
  const run = (kind: ExperimentKind) => {
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
  };
  const buttons = h(
    'div',
    { class: 'row buttons', role: 'toolbar', 'aria-label': 'Experiments' },
    ...EXPERIMENTS.map(([kind, label, title]) =>
      button(label, { title, 'data-experiment': kind, disabled: !idle }, () => run(kind)),
    ),
    button('Cancel', { id: 'cancel', secondary: true, disabled: !state.running }, onCancel),
  );
  host.replaceChildren(row, buttons);
}
