// Form controls of @vscode-elements, built with h() for every panel's page: a label above its field, a
// single select with its options, a text field, a button. Importing this registers the elements.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { h } from './dom';

/** A control whose value the page reads (text fields and selects alike). */
export type Field = HTMLElement & { value: string };

type Attributes = Record<string, string | number | boolean | undefined>;

/** `control` under its label (the label names the control by its id). */
export function labelled(label: string, control: HTMLElement): HTMLElement {
  return h('div', { class: 'field' }, h('vscode-label' as 'label', { for: control.id }, label), control);
}

/** A single select of `options` ([value, text]) with `selected` chosen. */
export function singleSelect(id: string, options: [string, string][], selected: string | undefined): Field {
  return h(
    'vscode-single-select' as 'div',
    { id },
    ...options.map(([value, text]) =>
      h('vscode-option' as 'div', { value, selected: value === selected }, text),
    ),
  ) as unknown as Field;
}

export function textField(id: string, attributes: Attributes): Field {
  return h('vscode-textfield' as 'input', { id, ...attributes }) as unknown as Field;
}

export function button(label: string, attributes: Attributes, onClick: () => void): HTMLElement {
  const b = h('vscode-button' as 'button', attributes, label);
  b.addEventListener('click', onClick);
  return b;
}
