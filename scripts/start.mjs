// `npm start`: builds the extension and opens a real VS Code with it loaded (development mode) and
// samples/ as the workspace. Desktop `code` when it is on PATH; otherwise VS Code in the browser
// (code-server on 127.0.0.1), whose URL is printed. Stop with Ctrl+C.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureCodeServer, CACHE, ROOT } from '../test/support/vscode-install.mjs';
import { freePort, startCodeServer } from '../test/support/code-server.mjs';

const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const samples = join(ROOT, 'samples');
const desktop =
  spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0 && !process.env.DROPOUT_LENS_WEB;
if (desktop) {
  spawn('code', ['--new-window', `--extensionDevelopmentPath=${ROOT}`, samples], {
    stdio: 'inherit',
    detached: true,
  }).unref();
  console.log('Opened VS Code with Dropout Lens in development mode on samples/.');
} else {
  ensureCodeServer();
  const port = Number(process.env.PORT) || (await freePort());
  const server = await startCodeServer({ workspace: samples, port, home: join(CACHE, 'start-profile') });
  const payload = [['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${ROOT}`]];
  const url = `${server.url}/?folder=${encodeURIComponent(samples)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  console.log(
    `\nDropout Lens is running in VS Code (code-server, no desktop "code" on PATH). Open:\n\n  ${url}\n`,
  );
  console.log('Press Ctrl+C to stop.');
  const stop = async () => {
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
