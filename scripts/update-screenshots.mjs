// `npm run screenshots`: copies the README's screenshots from the last end-to-end run
// (test-results/screenshots/, written by `npm run test:e2e`) into docs/screenshots/, unchanged.
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const FROM = join(ROOT, 'test-results', 'screenshots');
const TO = join(ROOT, 'docs', 'screenshots');
const CHOSEN = [
  'keep-prob-warning.png',
  'model-view-graph.png',
  'train-compare.png',
  'train-moons-boundary.png',
  'mc-panel-charts.png',
];

const missing = CHOSEN.filter((f) => !existsSync(join(FROM, f)));
if (missing.length > 0) {
  console.error(`missing in ${FROM}: ${missing.join(', ')} (run \`npm run test:e2e\` first)`);
  process.exit(1);
}
mkdirSync(TO, { recursive: true });
let total = 0;
for (const file of CHOSEN) {
  copyFileSync(join(FROM, file), join(TO, file));
  total += statSync(join(TO, file)).size;
  console.log(`docs/screenshots/${file}`);
}
console.log(`${CHOSEN.length} screenshots, ${(total / 1024).toFixed(0)} KiB`);
