// The models used in this window, latest first, and which one a command acts on: the pure half of
// active-model.ts (no vscode), so the order of choice is unit-tested.

/** Models kept; older ones drop off. */
const KEEP = 20;

export class RecentModels<T> {
  private readonly list: T[] = [];

  constructor(private readonly key: (model: T) => string) {}

  /** Moves `model` to the front (the latest used). */
  use(model: T): void {
    this.forget(model);
    this.list.unshift(model);
    this.list.length = Math.min(this.list.length, KEEP);
  }

  forget(model: T): void {
    const key = this.key(model);
    const at = this.list.findIndex((m) => this.key(m) === key);
    if (at >= 0) this.list.splice(at, 1);
  }

  /**
   * The model a command acts on: the one the user is looking at when the command takes it, else the
   * latest used one it takes; undefined when there is none (the command then asks for a file).
   */
  choose(active: T | undefined, takes: (model: T) => boolean): T | undefined {
    if (active !== undefined && takes(active)) return active;
    return this.list.find(takes);
  }
}
