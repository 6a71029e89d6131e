// The team console's indicator rules are @drill/ioc itself, compiled for the browser: this script strips the types
// from libs/ioc/src (and the vocabulary it imports from libs/contracts) and writes them as ES modules under
// apps/drill-server/web/public/js/ioc/, so the paste box, the server's extractor, the report normaliser and the
// scorer share one source. `node scripts/web-ioc.mjs` after changing libs/ioc; apps/drill-server/web/ioc.spec.ts
// fails while the generated copy is stale. Only `node:url` has no browser build: ioc/node-url.js stands in for it.
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import typescript from 'typescript';
import * as prettier from 'prettier';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const WEB_IOC_DIR = join(ROOT, 'apps', 'drill-server', 'web', 'public', 'js', 'ioc');
const IOC_SRC = join(ROOT, 'libs', 'ioc', 'src');
const VOCAB = join(ROOT, 'libs', 'contracts', 'src', 'vocab.ts');

/** Import specifiers the library uses that the browser resolves differently. */
const SPECIFIERS = { '@drill/contracts': './vocab.js', 'node:url': './node-url.js' };

async function compile(source, out) {
  const ts = readFileSync(source, 'utf8');
  // TypeScript's own transpiler rather than SWC: it keeps the comments where they were, and the "why" is half of
  // what a reader of the console's code needs.
  let js = typescript.transpileModule(ts, {
    fileName: source,
    compilerOptions: { target: typescript.ScriptTarget.ES2022, module: typescript.ModuleKind.ESNext },
  }).outputText;
  const IMPORT = /^((?:import|export)\b[^;]*?\bfrom\s*)(['"])([^'"]+)\2/gm;
  js = js.replace(IMPORT, (all, head, q, spec) => (spec in SPECIFIERS ? `${head}'${SPECIFIERS[spec]}'` : all));
  const unresolved = [...js.matchAll(IMPORT)].map((m) => m[3]).find((spec) => !spec.startsWith('./'));
  if (unresolved) throw new Error(`${relative(ROOT, source)} imports ${unresolved}, which the browser cannot load`);
  const header = `// Generated from ${relative(ROOT, source)} by scripts/web-ioc.mjs: edit the library, not this file.\n`;
  const options = (await prettier.resolveConfig(out)) ?? {};
  return prettier.format(header + js, { ...options, filepath: out });
}

/** Every generated file, path → content, as the library reads now. */
export async function generateWebIoc() {
  const files = new Map();
  const sources = readdirSync(IOC_SRC)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
    .sort()
    .map((f) => [join(IOC_SRC, f), join(WEB_IOC_DIR, f.replace(/\.ts$/, '.js'))]);
  sources.push([VOCAB, join(WEB_IOC_DIR, 'vocab.js')]);
  for (const [source, out] of sources) files.set(out, await compile(source, out));
  return files;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(WEB_IOC_DIR, { recursive: true });
  for (const [path, content] of await generateWebIoc()) {
    writeFileSync(path, content);
    console.log(`wrote ${relative(ROOT, path)}`);
  }
}
