import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// SWC rather than esbuild: Nest's dependency injection needs emitDecoratorMetadata.
const root = fileURLToPath(new URL('.', import.meta.url));
const alias = [{ find: /^@drill\/([a-z-]+)$/, replacement: `${root}libs/$1/src/index.ts` }];
const plugins = [swc.vite({ module: { type: 'es6' } })];

export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        plugins,
        resolve: { alias },
        test: { name: 'unit', include: ['libs/**/*.spec.ts', 'apps/**/*.spec.ts'], environment: 'node' },
      },
      {
        plugins,
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['test/**/*.e2e-spec.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // e2e files start servers and share Redis; one file at a time keeps timing tests honest on 2 cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
