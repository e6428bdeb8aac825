// A menu button (the WAI-ARIA menu button pattern): one button that opens a list of actions, so a row of
// actions fits a narrow panel. Enter, Space or Down opens it on its first item; Up and Down move (and wrap),
// Home and End jump, Enter or Space picks, Escape or Tab closes it and gives the focus back to the button.
// The list is fixed to the window, so a scrolling table does not clip it.
import { button } from './controls';
import { h } from './dom';

/** [value, label] of each action. */
export type MenuItems<V extends string = string> = readonly (readonly [V, string])[];

export function menuButton<V extends string>(
  label: string,
  attributes: Record<string, string | number | boolean | undefined>,
  items: MenuItems<V>,
  onPick: (value: V) => void,
): HTMLElement {
  // Only the items' own values come back from the menu.
  const pick = (value: string) => onPick(value as V);
  const trigger: HTMLElement = button(
    `${label} ▾`,
    { ...attributes, 'aria-haspopup': 'menu', 'aria-expanded': 'false' },
    () => openMenu(trigger, items, pick),
  );
  trigger.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowDown') return;
    e.preventDefault();
    openMenu(trigger, items, pick);
  });
  return trigger;
}

/** The one open menu of the page, if any. */
let open: { list: HTMLElement; close(refocus: boolean): void } | undefined;

function openMenu(trigger: HTMLElement, items: MenuItems, onPick: (value: string) => void): void {
  open?.close(false);
  const entries = items.map(([value, text]) =>
    h('div', { role: 'menuitem', tabindex: -1, 'data-value': value }, text),
  );
  const list = h(
    'div',
    { class: 'menu', role: 'menu', 'aria-label': trigger.getAttribute('aria-label') ?? undefined },
    ...entries,
  );
  const close = (refocus: boolean) => {
    if (open?.list !== list) return;
    open = undefined;
    list.remove();
    trigger.setAttribute('aria-expanded', 'false');
    document.removeEventListener('pointerdown', outside, true);
    if (refocus) trigger.focus();
  };
  const outside = (e: Event) => {
    if (!list.contains(e.target as Node) && !trigger.contains(e.target as Node)) close(false);
  };
  const pick = (item: Element | null) => {
    const value = (item as HTMLElement | null)?.dataset.value;
    if (value === undefined) return;
    close(true);
    onPick(value);
  };
  list.addEventListener('click', (e) => pick((e.target as Element).closest('[role="menuitem"]')));
  list.addEventListener('keydown', (e) => {
    const at = entries.indexOf(document.activeElement as HTMLDivElement);
    const move = (i: number) => entries[(i + entries.length) % entries.length]?.focus();
    switch (e.key) {
      case 'ArrowDown':
        move(at + 1);
        break;
      case 'ArrowUp':
        move(at - 1);
        break;
      case 'Home':
        move(0);
        break;
      case 'End':
        move(entries.length - 1);
        break;
      case 'Enter':
      case ' ':
        pick(entries[at] ?? null);
        break;
      case 'Escape':
      case 'Tab':
        close(true);
        break;
      default:
        return;
    }
    e.preventDefault();
  });
  list.addEventListener('focusout', (e) => {
    if (!list.contains(e.relatedTarget as Node | null)) close(false);
  });
  document.body.append(list);
  open = { list, close };
  trigger.setAttribute('aria-expanded', 'true');
  document.addEventListener('pointerdown', outside, true);
  // Below the button, or above it when the window has no room below; never past the right edge.
  const at = trigger.getBoundingClientRect();
  const size = list.getBoundingClientRect();
  const below = at.bottom + 2 + size.height <= window.innerHeight;
  list.style.top = `${Math.max(0, below ? at.bottom + 2 : at.top - 2 - size.height)}px`;
  list.style.left = `${Math.max(0, Math.min(at.left, window.innerWidth - size.width - 4))}px`;
  entries[0]?.focus();
}
