// `npm install`'s last step: in a source checkout that has no build yet (a pre-commit hook's clone, an
// install from git), build dist/ once, so the `dropout-lens` command works and `npm pack` packs it. Not
// in `npm pack` itself: pre-commit reads the tarball's name from its standard output, which a packing
// script's banner would spoil. Does nothing where the package is installed (no esbuild.mjs), once a
// build exists, or without the dev dependencies that build it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (existsSync('esbuild.mjs') && !existsSync('dist/cli.js')) {
  if (!existsSync('node_modules/esbuild')) {
    console.error(
      'dropout-lens: not built (no dev dependencies); run `npm install` with them, then `npm run build`',
    );
  } else {
    // A failed build leaves the install as it is (no CLI yet), with the reason, instead of failing it.
    const build = spawnSync(process.execPath, ['esbuild.mjs', '--production'], { stdio: 'inherit' });
    if (build.status !== 0)
      console.error('dropout-lens: the build failed (see above); `npm run build` tries again');
  }
}
