// Bundles src/main.js and src/post.js with their npm dependencies into dist/main.js and
// dist/post.js, the files action.yml runs (committed: a runner does not install packages).
// `node build.mjs --out DIR` writes elsewhere (the tests compare a fresh bundle with dist/).
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const outFlag = process.argv.indexOf('--out');
const outdir = outFlag > 0 ? path.resolve(process.argv[outFlag + 1]) : path.join(here, 'dist');

await esbuild.build({
  entryPoints: { main: path.join(here, 'src', 'main.js'), post: path.join(here, 'src', 'post.js') },
  outdir,
  absWorkingDir: here,
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  // Some dependencies are CommonJS and call require() for Node's own modules.
  banner: { js: "import { createRequire as __larderCreateRequire } from 'node:module';\nconst require = __larderCreateRequire(import.meta.url);" },
  legalComments: 'eof',
  logLevel: 'warning',
});
