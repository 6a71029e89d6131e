// Node module hooks that run the TypeScript sources directly: `.js` relative imports resolve to the `.ts` file
// beside them, `@drill/<lib>` to libs/<lib>/src/index.ts, and SWC compiles each file with the options Jest uses
// too (swc-options.mjs). Registered by ts-register.mjs; used to start real server processes (cluster tests,
// benchmarks, cluster:local) without a build.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { transformSync } from '@swc/core';
import { SWC_OPTIONS } from './swc-options.mjs';

const root = new URL('../', import.meta.url);

export async function resolve(specifier, context, next) {
  const alias = /^@drill\/([a-z-]+)$/.exec(specifier);
  if (alias) return { url: new URL(`libs/${alias[1]}/src/index.ts`, root).href, shortCircuit: true };
  if (
    (specifier.startsWith('./') || specifier.startsWith('../')) &&
    specifier.endsWith('.js') &&
    context.parentURL?.endsWith('.ts')
  ) {
    const ts = new URL(specifier.slice(0, -3) + '.ts', context.parentURL);
    if (existsSync(fileURLToPath(ts))) return { url: ts.href, shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const filename = fileURLToPath(url);
  const { code } = transformSync(readFileSync(filename, 'utf8'), { ...SWC_OPTIONS, filename });
  return { format: 'module', source: code, shortCircuit: true };
}
