// Untrusted workspaces get linting and the model view only. Running a model (Train with Dropout, Show
// MC Uncertainty) and writing files from one (Fix and Save As, exports) need trust: menus hide those
// commands with `isWorkspaceTrusted`, but a command can still be run by id, so each checks again here.
import type * as vscode from 'vscode';

/** The part of the `vscode` API the check uses (so a test can give it a workspace of its own). */
export interface TrustApi {
  workspace: Pick<typeof vscode.workspace, 'isTrusted'>;
  window: { showWarningMessage(message: string, ...actions: string[]): Thenable<string | undefined> };
  commands: { executeCommand(command: string): Thenable<unknown> };
}

/** The refusal's button: VS Code's own trust editor, where the user can trust the folder. */
export const MANAGE_TRUST = 'Manage Workspace Trust';

export function untrustedMessage(action: string): string {
  return (
    `Dropout Lens: ${action} needs a trusted workspace, because it runs or writes the workspace's files. ` +
    `Linting works without trust; ${MANAGE_TRUST} trusts this folder.`
  );
}

/** True in a trusted workspace; otherwise says why `action` is refused and returns false. */
export function requireTrust(api: TrustApi, action: string): boolean {
  if (api.workspace.isTrusted) return true;
  void api.window
    .showWarningMessage(untrustedMessage(action), MANAGE_TRUST)
    .then((answer) => answer === MANAGE_TRUST && api.commands.executeCommand('workbench.trust.manage'));
  return false;
}
