// `npm start`'s prestart: builds (npm run build) only when dist/ is missing or older than a source it is built from,
// so a start after a start does not spend half a minute compiling what is already compiled.
//   node scripts/build-if-stale.mjs            build if stale
//   node scripts/build-if-stale.mjs --check    exit 1 if stale, build nothing
// Sources: every .ts/.mts/.js/.mjs/.json under apps/ and libs/ (specs aside: the build leaves them out), the
// folders themselves (a deleted or renamed file changes its folder's time), tsconfig*.json, package-lock.json and
// scripts/build-web.mjs. Built: the server's and the CLI's entry points and every console bundle in dist/web/js.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCE_FILE = /\.(ts|mts|js|mjs|json)$/;
const SKIP_DIR = new Set(['node_modules', 'dist', '.git']);

/** The newest source, as [mtimeMs, path]. */
function newestSource() {
  let newest = [0, ''];
  const consider = (path) => {
    const t = statSync(path).mtimeMs;
    if (t > newest[0]) newest = [t, path];
  };
  const walk = (dir) => {
    consider(dir);
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIR.has(e.name)) walk(path);
      } else if (SOURCE_FILE.test(e.name) && !e.name.endsWith('.spec.ts')) consider(path);
    }
  };
  walk(join(ROOT, 'apps'));
  walk(join(ROOT, 'libs'));
  for (const f of readdirSync(ROOT)) if (/^tsconfig.*\.json$/.test(f)) consider(join(ROOT, f));
  for (const f of ['package-lock.json', 'scripts/build-web.mjs'])
    if (existsSync(join(ROOT, f))) consider(join(ROOT, f));
  return newest;
}

/** The oldest build output, as [mtimeMs, path], or [undefined, what is missing]. */
function oldestOutput() {
  const web = join(ROOT, 'dist', 'web', 'js');
  const bundles = existsSync(web) ? readdirSync(web).filter((f) => f.endsWith('.js')) : [];
  if (bundles.length === 0) return [undefined, relative(ROOT, web) + '/*.js'];
  const outputs = [
    join(ROOT, 'dist', 'apps', 'drill-server', 'src', 'main.js'),
    join(ROOT, 'dist', 'apps', 'drill-cli', 'src', 'main.js'),
    ...bundles.map((f) => join(web, f)),
  ];
  let oldest = [Infinity, ''];
  for (const path of outputs) {
    if (!existsSync(path)) return [undefined, relative(ROOT, path)];
    const t = statSync(path).mtimeMs;
    if (t < oldest[0]) oldest = [t, path];
  }
  return oldest;
}

const [builtAt, output] = oldestOutput();
const [changedAt, source] = newestSource();
const stale = builtAt === undefined || changedAt > builtAt;
const why =
  builtAt === undefined ? `${output} is missing` : `${relative(ROOT, source)} is newer than ${relative(ROOT, output)}`;

if (process.argv.includes('--check')) {
  process.stdout.write(stale ? `build: stale (${why})\n` : 'build: dist/ is up to date\n');
  process.exit(stale ? 1 : 0);
}
if (!stale) {
  process.stdout.write('build: dist/ is up to date with the sources; not rebuilding (npm run build forces it)\n');
  process.exit(0);
}
process.stdout.write(`build: ${why}; running npm run build\n`);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const r = spawnSync(npm, ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
process.exit(r.status ?? 1);
