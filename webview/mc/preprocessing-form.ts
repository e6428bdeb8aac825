// The image preprocessing fields of the MC panel: size, channels, mean, std and layout, pre-filled with
// what the extension offered (remembered for the model, or guessed from its input shape), an ImageNet
// button for the mean and std, and an error beside each field that has one, checked as the user types.
import {
  parseImagePreprocessing,
  preprocessingForm,
  preprocessingProblems,
  readPreprocessingForm,
  shapeText,
  type ImagePreprocessing,
  type PreprocessingForm,
  type PreprocessingOffer,
  type PreprocessingProblems,
} from '../../src/protocol/preprocessing';
import { button, labelled, singleSelect, textField, type Field } from '../shared/controls';
import { h } from '../shared/dom';

export interface PreprocessingFieldsInput {
  offer: PreprocessingOffer;
  /** The text as the user left it (undefined: the offer's current preprocessing). */
  form?: PreprocessingForm;
  disabled: boolean;
  /** Every edit: the text (kept in the page's state) and whether it is valid now. */
  onChange(form: PreprocessingForm, valid: boolean): void;
}

export interface PreprocessingFields {
  element: HTMLElement;
  /** The preprocessing the fields state, or undefined while one of them has an error. */
  read(): ImagePreprocessing | undefined;
}

const FIELDS: (keyof PreprocessingForm)[] = ['size', 'channels', 'mean', 'std', 'layout'];

export function preprocessingFields(input: PreprocessingFieldsInput): PreprocessingFields {
  const { offer } = input;
  const start = input.form ?? preprocessingForm(offer.current);
  const disabled = input.disabled;
  const controls: Record<keyof PreprocessingForm, Field> = {
    size: textField('pp-size', { value: start.size, disabled, 'aria-describedby': 'pp-size-error' }),
    channels: singleSelect(
      'pp-channels',
      [
        ['3', '3 (RGB)'],
        ['1', '1 (grey)'],
      ],
      start.channels,
    ),
    mean: textField('pp-mean', { value: start.mean, disabled, 'aria-describedby': 'pp-mean-error' }),
    std: textField('pp-std', { value: start.std, disabled, 'aria-describedby': 'pp-std-error' }),
    layout: singleSelect(
      'pp-layout',
      [
        ['nchw', 'NCHW (channels first)'],
        ['nhwc', 'NHWC (channels last)'],
      ],
      start.layout,
    ),
  };
  controls.channels.setAttribute('aria-describedby', 'pp-channels-error');
  controls.layout.setAttribute('aria-describedby', 'pp-layout-error');
  if (disabled) {
    controls.channels.setAttribute('disabled', '');
    controls.layout.setAttribute('disabled', '');
  }
  const errors = Object.fromEntries(
    FIELDS.map((f) => [f, h('p', { id: `pp-${f}-error`, class: 'field-error', role: 'alert' })]),
  ) as unknown as Record<keyof PreprocessingForm, HTMLElement>;
  // The text as the user left it, kept here rather than read from the controls: a select knows its value only
  // once it has rendered its options, after this form is built and checked.
  const text: PreprocessingForm = { ...start };
  const form = (): PreprocessingForm => ({ ...text });
  const problems = (): PreprocessingProblems =>
    preprocessingProblems(readPreprocessingForm(form()), offer.inputShape);
  const show = (): boolean => {
    const found = problems();
    for (const f of FIELDS) {
      errors[f].textContent = found[f] ?? '';
      controls[f].toggleAttribute('invalid', found[f] !== undefined);
    }
    return Object.keys(found).length === 0;
  };
  const changed = () => input.onChange(form(), show());
  for (const f of FIELDS) {
    const edited = () => {
      text[f] = controls[f].value;
      changed();
    };
    controls[f].addEventListener('input', edited);
    controls[f].addEventListener('change', edited);
  }
  const imagenet = button(
    'ImageNet',
    {
      id: 'pp-imagenet',
      secondary: true,
      disabled,
      title: `Mean ${offer.imagenet.mean.join(', ')} and std ${offer.imagenet.std.join(', ')} (torchvision, Keras applications)`,
    },
    () => {
      text.mean = controls.mean.value = offer.imagenet.mean.join(', ');
      text.std = controls.std.value = offer.imagenet.std.join(', ');
      changed();
    },
  );
  const field = (label: string, f: keyof PreprocessingForm) =>
    h('div', { class: 'pp-field' }, labelled(label, controls[f]), errors[f]);
  const element = h(
    'fieldset',
    { class: 'preprocessing', id: 'preprocessing' },
    h(
      'legend',
      {},
      `Image preprocessing${offer.inputShape ? ` (model input ${shapeText(offer.inputShape)})` : ''}`,
    ),
    field('Size (H×W)', 'size'),
    field('Channels', 'channels'),
    field('Mean (per channel)', 'mean'),
    field('Std (per channel)', 'std'),
    imagenet,
    field('Layout', 'layout'),
  );
  show();
  return {
    element,
    read: () => parseImagePreprocessing(readPreprocessingForm(form()), offer.inputShape),
  };
}

/** "16×16, 3 channels (RGB), mean 0.485, 0.456, 0.406, std 0.229, 0.224, 0.225, NCHW". */
export function preprocessingText(p: ImagePreprocessing): string {
  return `${p.height}×${p.width}, ${p.channels === 3 ? '3 channels (RGB)' : '1 channel (grey)'}, mean ${p.mean.join(', ')}, std ${p.std.join(', ')}, ${p.layout.toUpperCase()}`;
}
