// Entry point for the run in Restricted Mode (test/support/integration.mjs starts VS Code with workspace
// trust on and the workspace untrusted): runs every *.test.js beside it.
import { runTestsIn } from '../index';

export function run(): Promise<void> {
  return runTestsIn(__dirname);
}
