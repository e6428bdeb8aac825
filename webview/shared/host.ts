// The webview's side of the extension channel: typed, validated messages and typed state, the same
// for every Dropout Lens panel. acquireVsCodeApi may be called only once per page, so this owns it.
interface VsCodeApi<State> {
  postMessage(message: unknown): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi<State>(): VsCodeApi<State>;

export interface Host<To, From, State> {
  post(message: From): void;
  onMessage(handler: (message: To) => void): void;
  getState(): Partial<State>;
  /** Merges into the saved state, which VS Code keeps while the panel is hidden and across reloads. */
  setState(patch: Partial<State>): void;
}

export function connect<To, From, State extends object>(
  isValid: (v: unknown) => v is To,
): Host<To, From, State> {
  const api = acquireVsCodeApi<Partial<State>>();
  let state: Partial<State> = api.getState() ?? {};
  return {
    post: (message) => api.postMessage(message),
    onMessage: (handler) =>
      window.addEventListener('message', (event: MessageEvent<unknown>) => {
        if (isValid(event.data)) handler(event.data);
        else console.warn('Dropout Lens: unexpected message from the extension', event.data);
      }),
    getState: () => state,
    setState: (patch) => {
      state = { ...state, ...patch };
      api.setState(state);
    },
  };
}
