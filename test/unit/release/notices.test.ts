// THIRD-PARTY-NOTICES.md (written by every build from the bundles' metafiles) credits what ships: the
// run-time dependencies esbuild inlines, the packages they pull in, and each data set in data/.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

interface NoticesScript {
  bundledPackages(metafiles: { inputs: Record<string, unknown> }[]): string[];
}
// Loaded from the repository root (mocha's working folder): the compiled test sits elsewhere, in out/.
const script = (): Promise<NoticesScript> =>
  import(pathToFileURL(resolve('scripts/third-party-notices.mjs')).href);

const notices = readFileSync('THIRD-PARTY-NOTICES.md', 'utf8');
const listed = new Set([...notices.matchAll(/^### (\S+) /gm)].map((m) => m[1]));

describe('third-party notices', () => {
  it('credit every run-time dependency with its version and licence', () => {
    const { dependencies } = JSON.parse(readFileSync('package.json', 'utf8'));
    for (const name of Object.keys(dependencies)) {
      const { version, license } = JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8'));
      assert.ok(listed.has(name), `${name} is credited`);
      assert.ok(
        notices.includes(`### ${name} ${version}\n\nLicence: ${license}.`),
        `${name} ${version} ${license}`,
      );
    }
  });

  it('credit the packages the dependencies bring into the bundles (protobufjs under onnx-proto, lit)', () => {
    for (const name of ['protobufjs', 'lit-html', '@lit/reactive-element', 'fast-uri']) {
      assert.ok(listed.has(name), `${name} is credited`);
    }
  });

  it('credit the source and licence of each data set in data/', () => {
    for (const csv of readdirSync('data').filter((f) => f.endsWith('.csv'))) {
      const row = notices.split('\n').find((line) => line.startsWith(`| ${csv} |`));
      assert.ok(row, `${csv} is credited`);
      assert.match(row, /UCI Machine Learning Repository.*\(CC BY 4\.0\)/);
    }
  });

  it('find a package folder in metafile inputs, nested node_modules and scopes included', async () => {
    const { bundledPackages } = await script();
    const meta = {
      inputs: {
        'src/core/x.ts': {},
        'node_modules/onnx-proto/dist/onnx.js': {},
        'node_modules/onnx-proto/node_modules/protobufjs/index.js': {},
        'node_modules/@vscode-elements/elements/dist/main.js': {},
      },
    };
    assert.deepEqual(bundledPackages([meta]).sort(), [
      'node_modules/@vscode-elements/elements',
      'node_modules/onnx-proto',
      'node_modules/onnx-proto/node_modules/protobufjs',
    ]);
  });
});
