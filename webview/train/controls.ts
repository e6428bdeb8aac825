// The form: the shared data chooser (and a noise level for a synthetic 2-D set), epochs, seed, sweep
// rates, and one button per experiment. All reachable with Tab and Enter.
import { MAX_PANEL_EPOCHS, type ExperimentKind, type RunRequest } from '../../src/protocol/train-panel';
import { button, labelled, textField, type Field } from '../shared/controls';
import { dataChooser } from '../shared/data-chooser';
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
  onBrowse: () => void,
): void {
  const form = { ...state.form };
  const chooser = dataChooser({
    offer: state.data,
    pick: form,
    disabled: state.running,
    onChange: (pick, dataChanged) =>
      onChange({ ...read(), ...pick, labelColumn: pick.labelColumn }, dataChanged),
    onBrowse,
  });
  const row = h('div', { class: 'row' }, ...chooser.fields);
  let noise: Field | undefined;
  if (chooser.choice?.kind === 'synthetic') {
    noise = textField('noise', { type: 'number', value: form.noise, step: 0.05, min: 0 });
    row.append(labelled('Noise', noise));
  }
  const epochs = textField('epochs', {
    type: 'number',
    min: 1,
    max: MAX_PANEL_EPOCHS,
    value: form.epochs ?? state.model?.epochs,
  });
  const seed = textField('seed', { type: 'number', min: 0, value: form.seed ?? state.model?.seed });
  const rates = textField('rates', { value: form.rates });
  row.append(labelled('Epochs', epochs), labelled('Seed', seed), labelled('Sweep rates', rates));

  const read = (): ViewState['form'] => ({
    ...chooser.read(),
    noise: noise ? Number(noise.value) : form.noise,
    epochs: Number(epochs.value),
    seed: Number(seed.value),
    rates: rates.value,
  });
  for (const f of [noise, epochs, seed, rates]) f?.addEventListener('change', () => onChange(read(), false));

  // Until data is picked (offered, or browsed to) there is nothing to train on.
  const idle = !state.running && chooser.choice !== undefined;
  const run = (kind: ExperimentKind) => {
    const f = read();
    if (!f.data) return;
    const sweep = f.rates
      .split(/[,\s]+/)
      .filter(Boolean)
      .map(Number);
    onRun({
      experiment: kind,
      data: chooser.choice?.kind === 'synthetic' ? `${f.data}?noise=${f.noise}` : f.data,
      ...(f.labelColumn ? { labelColumn: f.labelColumn } : {}),
      epochs: Number(epochs.value),
      seed: Number(seed.value),
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
