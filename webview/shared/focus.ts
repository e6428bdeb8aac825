// Keyboard focus that stays in the page: Tab on the page's last control goes back to its first, and
// Shift+Tab on the first to the last, instead of leaving the panel through its end.
const TAB_STOPS = [
  'vscode-button:not([disabled])',
  'vscode-single-select:not([disabled])',
  'vscode-textfield:not([disabled])',
  'button:not([disabled])',
  'a[href]',
  '[tabindex="0"]',
].join(',');

export function wrapFocus(root: HTMLElement): void {
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Tab' || e.altKey || e.ctrlKey || e.metaKey) return;
    const stops = [...root.querySelectorAll<HTMLElement>(TAB_STOPS)].filter(
      (el) => el.getClientRects().length > 0,
    );
    const [first, last] = [stops[0], stops.at(-1)];
    const target = e.shiftKey
      ? document.activeElement === first && last
      : document.activeElement === last && first;
    if (!target) return;
    e.preventDefault();
    target.focus();
  });
}
