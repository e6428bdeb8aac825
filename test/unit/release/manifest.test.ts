// The manifest's promises: a walkthrough whose steps show shipped media and complete when the extension
// says their result appeared (a context key it sets, not a button press),
// and the trust rules (commands that run or write workspace files are hidden in untrusted workspaces,
// and refused there when run by id).
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BINARY_MODEL_EXTENSIONS, isModelFileName } from '../../../src/core/formats/model-file-name';
import { MANAGE_TRUST, requireTrust, untrustedMessage } from '../../../src/extension/trust';

interface MenuItem {
  command: string;
  when?: string;
}
interface Step {
  id: string;
  description: string;
  media: { image?: string; markdown?: string };
  completionEvents: string[];
}

const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const commands = new Set<string>(manifest.contributes.commands.map((c: { command: string }) => c.command));
/** The extension's sources, for the calls that set the walkthrough's context keys. */
const extensionSource = readdirSync('src/extension', { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts'))
  .map((f) => readFileSync(join('src/extension', f), 'utf8'))
  .join('\n');
const NEEDS_TRUST = [
  'dropoutLens.trainWithDropout',
  'dropoutLens.showUncertainty',
  'dropoutLens.fixAndSaveAs',
];

describe('manifest', () => {
  it('has a walkthrough: lint, Train with Dropout, Show MC Uncertainty, each with media, ticked by its result', () => {
    const [walkthrough] = manifest.contributes.walkthroughs;
    const steps: Step[] = walkthrough.steps;
    assert.deepEqual(
      steps.map((s) => s.id),
      ['lint', 'train', 'uncertainty'],
    );
    for (const step of steps) {
      const media = step.media.image ?? step.media.markdown;
      assert.ok(media && existsSync(media), `${step.id}: media ${media} exists`);
      assert.ok(step.completionEvents.length > 0, `${step.id} completes on an event`);
      for (const event of step.completionEvents) {
        const key = /^onContext:dropoutLens\.walkthrough\.(\w+)$/.exec(event)?.[1];
        assert.ok(key && extensionSource.includes(`markStepDone('${key}')`), `${step.id}: ${event} is set`);
      }
      // Walkthrough descriptions are not full Markdown: a backtick shows as itself.
      assert.doesNotMatch(step.description, /`/, `${step.id}: no backticks`);
      for (const [, command] of step.description.matchAll(/\(command:([\w.]+)\)/g)) {
        assert.ok(commands.has(command!), `${step.id} links to ${command}`);
      }
    }
    assert.ok(
      steps[0]!.description.includes('command:dropoutLens.openSample'),
      'the first step opens a sample',
    );
    assert.ok(existsSync('samples/keep-prob-mistake.nn.json'));
  });

  it('serves every binary model extension the core knows: activation, the model view editor, menus', () => {
    const editor = manifest.contributes.customEditors.find(
      (e: { viewType: string }) => e.viewType === 'dropoutLens.onnxModel',
    );
    assert.equal(editor.priority, 'default');
    const items: MenuItem[] = Object.values(manifest.contributes.menus as Record<string, MenuItem[]>).flat();
    const explorer: MenuItem[] = manifest.contributes.menus['explorer/context'];
    /** A when clause's `=~ /regex/` tests, evaluated as VS Code does for a resource name. */
    const matches = (when: string, context: Record<string, string>) =>
      [...when.matchAll(/(\w+) =~ \/(.+?)\/(?= |$)/g)].every(([, key, source]) =>
        new RegExp(source!).test(context[key!] ?? ''),
      );
    for (const ext of BINARY_MODEL_EXTENSIONS) {
      const file = `net${ext}`;
      assert.ok(manifest.activationEvents.includes(`workspaceContains:**/*${ext}`), ext);
      assert.ok(
        editor.selector.some((s: { filenamePattern: string }) => s.filenamePattern === `*${ext}`),
        `the model view opens ${file}`,
      );
      for (const command of [
        'dropoutLens.showModel',
        'dropoutLens.showUncertainty',
        'dropoutLens.fixAndSaveAs',
      ]) {
        const entry = explorer.find((i) => i.command === command);
        assert.ok(
          entry && matches(entry.when ?? '', { resourceFilename: file, resourceExtname: ext }),
          `${command} is offered for ${file}: ${entry?.when}`,
        );
      }
      assert.ok(isModelFileName(file), file);
    }
    for (const name of ['weights.bin', 'data.json', 'net.onnx.bak'])
      for (const item of items.filter((i) => /resource(Filename|Extname) =~/.test(i.when ?? '')))
        assert.ok(
          !matches(item.when ?? '', {
            resourceFilename: name,
            resourceExtname: name.slice(name.lastIndexOf('.')),
          }),
          `${item.command} is not offered for ${name}`,
        );
  });

  it('declares limited support for untrusted and virtual workspaces', () => {
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.equal(manifest.capabilities.virtualWorkspaces.supported, 'limited');
  });

  it('shows Train, MC Uncertainty and Fix and Save As only in trusted workspaces', () => {
    const items: MenuItem[] = Object.values(manifest.contributes.menus as Record<string, MenuItem[]>).flat();
    for (const command of NEEDS_TRUST) {
      const entries = items.filter((i) => i.command === command);
      assert.ok(entries.length > 0, `${command} is in menus`);
      for (const entry of entries) {
        assert.match(entry.when ?? '', /^isWorkspaceTrusted( && |$)/, `${command}: ${entry.when}`);
      }
    }
  });
});

describe('workspace trust check', () => {
  /** A workspace whose warnings are answered with `answer`, recording messages and commands run. */
  const api = (isTrusted: boolean, shown: string[], ran: string[] = [], answer?: string) => ({
    workspace: { isTrusted },
    window: {
      showWarningMessage: async (m: string, ...actions: string[]) => {
        shown.push(m, ...actions);
        return answer;
      },
    },
    commands: { executeCommand: async (c: string) => ran.push(c) },
  });

  it('lets the action run in a trusted workspace and says nothing', () => {
    const shown: string[] = [];
    assert.equal(requireTrust(api(true, shown), 'Train with Dropout'), true);
    assert.deepEqual(shown, []);
  });

  it('refuses in an untrusted workspace, names the action and offers to manage trust', async () => {
    const shown: string[] = [];
    const ran: string[] = [];
    assert.equal(requireTrust(api(false, shown, ran), 'Show MC Uncertainty'), false);
    assert.deepEqual(shown, [untrustedMessage('Show MC Uncertainty'), MANAGE_TRUST]);
    assert.match(shown[0]!, /Show MC Uncertainty needs a trusted workspace/);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(ran, [], 'dismissed: nothing runs');
  });

  it('opens the trust editor when the user presses the button', async () => {
    const ran: string[] = [];
    requireTrust(api(false, [], ran, MANAGE_TRUST), 'Train with Dropout');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(ran, ['workbench.trust.manage']);
  });
});
