// The Get Started walkthrough ticks a step when its result appeared, not when its button was pressed:
// each step's completion event (package.json) is a context key set here.
import * as vscode from 'vscode';

/** A model's findings were shown; a training run finished; an MC run finished. */
export type WalkthroughStep = 'modelLinted' | 'trained' | 'mcShown';

export function markStepDone(step: WalkthroughStep): void {
  void vscode.commands.executeCommand('setContext', `dropoutLens.walkthrough.${step}`, true);
}
