// THIRD-PARTY-NOTICES.md (written by every build from the bundles' metafiles) credits what ships: the
// run-time dependencies esbuild inlines, the packages they pull in, and each data set in data/.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

interface NoticesScript {
  bundledPackages(metafiles: { inputs: Record<string, unknown> }[]): string[];
  LICENCE_SOURCES: Record<string, { version: string }>;
  TFJS_WASM_LIBRARIES: [file: string, title: string][];
}
// Loaded from the repository root (mocha's working folder): the compiled test sits elsewhere, in out/.
const script = (): Promise<NoticesScript> =>
  import(pathToFileURL(resolve('scripts/third-party-notices.mjs')).href);

const notices = readFileSync('THIRD-PARTY-NOTICES.md', 'utf8');
const listed = new Set([...notices.matchAll(/^### (\S+) /gm)].map((m) => m[1]));
/** Each `### name version` section (a package may have two: bundled, and files copied), up to the next. */
const sections = notices
  .split(/^(?=### |## )/m)
  .filter((s) => s.startsWith('### '))
  .map((text) => ({ name: /^### (\S+)/.exec(text)![1], text }));
const sectionsOf = (name: string) => sections.filter((s) => s.name === name);

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

  it('give the full licence text of every package it credits, or point to the same text above', () => {
    assert.ok(sections.length > 30, `${sections.length} sections`);
    const given = new Set<string>();
    for (const { name, text } of sections) {
      // Every text block counts: a package may carry the licence of a project it is based on after its own.
      const body = [...text.matchAll(/```text\n([\s\S]*?)\n```/g)].map((m) => m[1]).join('\n');
      const same = /^Licence text: as for (\S+ \S+) above\.$/m.exec(text)?.[1];
      assert.ok(body.length > 300 || (same && given.has(same)), `${name} has a licence text`);
      if (body.length > 300) given.add(/^### (.*)/.exec(text)![1]!);
    }
    // The texts the tarballs lack: Apache-2.0 for tfjs (and MIT too for tfjs-layers), MIT for onnxruntime.
    assert.match(
      sectionsOf('@tensorflow/tfjs-backend-cpu')[0]!.text,
      /Apache License\s+Version 2\.0, January 2004/,
    );
    assert.match(
      sectionsOf('@tensorflow/tfjs-layers')[0]!.text,
      /The MIT License \(MIT\)[\s\S]*Apache License/,
    );
    assert.match(
      sectionsOf('onnxruntime-node')[0]!.text,
      /MIT License\s+Copyright \(c\) Microsoft Corporation/,
    );
    // jsfive's own text is public domain; pyfive's BSD-3-Clause text follows it, conditions and all.
    assert.match(
      sectionsOf('jsfive')[0]!.text,
      /jsfive is in the public domain[\s\S]*#### pyfive[\s\S]*Copyright \(c\) 2016 Jonathan J\. Helmus[\s\S]*Neither the name of the developers/,
    );
  });

  it('give the notices of the libraries inside the shipped binaries (onnxruntime, the tfjs .wasm)', async () => {
    const { TFJS_WASM_LIBRARIES } = await script();
    const beside = 'dist/node_modules/onnxruntime-node/ThirdPartyNotices.txt';
    assert.ok(sectionsOf('onnxruntime-node')[0]!.text.includes(beside));
    const native = readFileSync(beside, 'utf8');
    assert.match(native, /^THIRD PARTY SOFTWARE NOTICES AND INFORMATION/);
    for (const library of ['protocolbuffers/protobuf', 'Eigen', 'google/XNNPACK', 'abseil-cpp']) {
      assert.ok(native.includes(`\n${library}`), `${library} in onnxruntime's notices`);
    }
    const wasm = sectionsOf('@tensorflow/tfjs-backend-wasm').find((s) => s.text.includes('Copied: '));
    assert.ok(wasm, 'the copied .wasm is credited');
    for (const [, title] of TFJS_WASM_LIBRARIES) assert.ok(wasm.text.includes(`#### ${title}\n`), title);
    assert.match(wasm.text, /#### XNNPACK\n\n```text\nBSD License\n\nFor XNNPACK software/);
  });

  it('take the texts in licenses/ from the versions that are installed', async () => {
    const { LICENCE_SOURCES } = await script();
    for (const [name, { version }] of Object.entries(LICENCE_SOURCES)) {
      const installed = JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')).version;
      assert.equal(version, installed, name);
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
