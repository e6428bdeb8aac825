// Entry point VS Code calls in the extension host (extensionTestsPath): runs every *.test.js beside it.
// restricted/index.ts does the same for the tests that run in an untrusted workspace.
import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';

export function run(): Promise<void> {
  return runTestsIn(__dirname);
}

/** Runs every *.test.js in `folder` with mocha; rejects when one fails. */
export function runTestsIn(folder: string): Promise<void> {
  // The extension host forwards console.log to the browser without applying format strings: format here.
  const log = console.log;
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => log(format(...args));
  Mocha.reporters.Base.useColors = false;
  // MOCHA_GREP runs only the tests whose titles match (reaches here through code-server's environment).
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, grep: process.env.MOCHA_GREP });
  for (const file of readdirSync(folder).sort()) {
    if (file.endsWith('.test.js')) mocha.addFile(join(folder, file));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) =>
      failures > 0 ? reject(new Error(`${failures} integration test(s) failed`)) : resolve(),
    );
  });
}
