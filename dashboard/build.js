// Builds the dashboard: bundles src/main.js and its npm packages into dist/app.js (esbuild) and
// copies the page and its style sheet next to it. Nothing is fetched at run time but the node's RPC.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
rmSync(here('dist'), { recursive: true, force: true });
mkdirSync(here('dist'));
await build({
  entryPoints: [here('src/main.js')],
  outfile: here('dist/app.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning'
});
for (const file of ['index.html', 'style.css']) copyFileSync(here(`src/${file}`), here(`dist/${file}`));
console.log('dashboard built in dist/');
