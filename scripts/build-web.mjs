// Bundles the web consoles (apps/drill-server/web/src, TypeScript) into dist/web/js/, one ES module per page with
// its source map; the server serves that folder as /js/ (apps/drill-server/src/app.factory.ts). `npm run build`
// runs it, and so does the e2e project of Jest before the browser tests (jest.config.mjs, as globalSetup).
//
// The consoles import the domain libraries (@drill/ioc, @drill/contracts, @drill/exercise, @drill/reporting…)
// through the tsconfig paths, so the browser runs the very rules the server runs. The libraries are pure, which
// is what lets esbuild leave out every module a console does not use (the AAR's charts and their Vega, say);
// the build fails if a bundle would still carry a package from node_modules or a Node module.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WEB = join(ROOT, 'apps', 'drill-server', 'web');
const LIBS = join(ROOT, 'libs') + sep;
export const WEB_BUILD_DIR = join(ROOT, 'dist', 'web', 'js');

/** Page script (public/<page>.html loads js/<name>.js) → its entry under web/src. */
const ENTRIES = {
  index: 'index.ts',
  team: 'team/main.ts',
  control: 'control/main.ts',
  evaluator: 'evaluator/main.ts',
  teams: 'setup/teams.ts',
  users: 'setup/users.ts',
  scenarios: 'setup/scenarios.ts',
  exercises: 'setup/exercises.ts',
  capacity: 'capacity/main.ts',
};

/** Tells esbuild the domain libraries have no side effects at load, so unused modules are dropped whole. */
const pureLibraries = {
  name: 'pure-libraries',
  setup(build) {
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === pureLibraries) return undefined;
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: pureLibraries,
      });
      if (resolved.errors.length > 0 || !resolved.path.startsWith(LIBS)) return undefined;
      return { path: resolved.path, namespace: resolved.namespace, sideEffects: false };
    });
  },
};

/** Builds every console into `outdir`; each file is written whole and renamed into place, as a server may be reading. */
export async function buildWeb({ outdir = WEB_BUILD_DIR } = {}) {
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: Object.entries(ENTRIES).map(([out, entry]) => ({ out, in: join(WEB, 'src', entry) })),
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: 'linked',
    tsconfig: join(WEB, 'tsconfig.json'),
    plugins: [pureLibraries],
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  for (const [output, { inputs }] of Object.entries(result.metafile.outputs)) {
    const foreign = Object.entries(inputs)
      .filter(
        ([input, { bytesInOutput }]) => bytesInOutput > 0 && !/^(apps\/drill-server\/web\/src|libs)\//.test(input),
      )
      .map(([input]) => input);
    if (foreign.length > 0)
      throw new Error(`${output} would carry code from outside web/src and libs: ${foreign.join(', ')}`);
  }
  for (const file of result.outputFiles) {
    await mkdir(dirname(file.path), { recursive: true });
    const part = `${file.path}.${process.pid}.part`;
    await writeFile(part, file.contents);
    await rename(part, file.path);
  }
  return result.outputFiles.map((f) => relative(ROOT, f.path));
}

export default async function globalSetup() {
  await buildWeb();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const written of await buildWeb()) console.log(`wrote ${written}`);
}
