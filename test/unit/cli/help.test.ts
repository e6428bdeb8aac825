// `--help` for the whole command line and for each command, and the built bundle running as a program.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { run } from './run-cli';

const COMMANDS = ['lint', 'inspect', 'train', 'mc', 'export', 'bench'];

describe('dropout-lens --help', () => {
  it('lists every command with its usage line, and exits 0', async () => {
    for (const flag of ['--help', '-h']) {
      const { code, out, err } = await run(flag);
      assert.equal(code, 0, flag);
      assert.equal(err, '');
      assert.match(out, /^Usage: dropout-lens <command> \[options\]/);
      for (const command of COMMANDS) assert.match(out, new RegExp(`^  ${command} <`, 'm'), command);
    }
  });

  for (const command of COMMANDS) {
    it(`${command} --help and ${command} -h print that command's usage and exit 0`, async () => {
      for (const flag of ['--help', '-h']) {
        // With other arguments too: help wins over running, even when they would be a usage error.
        for (const argv of [
          [command, flag],
          [command, 'no-such-file.onnx', '--unknown-option', flag],
        ]) {
          const { code, out, err } = await run(...argv);
          assert.equal(code, 0, argv.join(' '));
          assert.equal(err, '', argv.join(' '));
          assert.match(out, new RegExp(`^Usage: dropout-lens ${command} `), argv.join(' '));
          assert.match(out, /-h, --help/);
          for (const other of COMMANDS.filter((c) => c !== command)) {
            assert.doesNotMatch(
              out,
              new RegExp(`dropout-lens ${other} `),
              `${argv.join(' ')}: only ${command}`,
            );
          }
        }
      }
    });
  }

  it('names each command’s own options in its help', async () => {
    const options: Record<string, string[]> = {
      lint: ['--format', '--config', '--max-file-size-mb'],
      inspect: ['--format', '--max-file-size-mb'],
      train: ['--data', '--epochs', '--seed', '--compare', '--out', '--json', '--max-file-size-mb'],
      mc: [
        '--data',
        '--size',
        '--mean',
        '--std',
        '--layout',
        '--passes',
        '--seed',
        '--masks',
        '--engine',
        '--threads',
        '--weights',
        '--train',
        '--json',
        '--max-file-size-mb',
      ],
      export: ['--format', '--out', '--weights', '--data', '--max-file-size-mb'],
      bench: ['w1', 'w4', '--passes', '--model', '--reps'],
    };
    for (const [command, names] of Object.entries(options)) {
      const { out } = await run(command, '--help');
      for (const name of names) assert.ok(out.includes(name), `${command} --help names ${name}`);
    }
    assert.ok(
      !(await run('bench', '--help')).out.includes('--max-file-size-mb'),
      'bench reads no model files',
    );
  });

  it('still refuses an unknown command with exit 2, and `--` ends option parsing', async () => {
    const unknown = await run('frobnicate', '--help');
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /unknown command "frobnicate"/);
    // After `--`, "--help" is a path: lint reports it as a missing file (exit 2), not as help.
    const path = await run('lint', '--', '--help');
    assert.equal(path.code, 2);
    assert.doesNotMatch(path.out, /^Usage:/);
  });
});

describe('the built dist/cli.js', () => {
  it('is executable and runs as a program through its #! line', () => {
    accessSync('dist/cli.js', constants.X_OK);
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    const result = spawnSync('dist/cli.js', ['--version'], { encoding: 'utf8' });
    assert.equal(result.error, undefined);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.trim(), version);
    const help = spawnSync('dist/cli.js', ['mc', '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^Usage: dropout-lens mc /);
  });
});
