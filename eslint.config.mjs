// ESLint flat config: the TypeScript rules that catch what a drill cannot afford (a promise nobody awaits, a switch
// that forgets a new status) plus the boundary that keeps the domain libraries free of the framework.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The domain rules are plain TypeScript: no Nest, no TypeORM, no persistence library.
const DOMAIN_LIBRARIES = [
  'contracts',
  'ioc',
  'ism',
  'exercise',
  'scoring',
  'reporting',
  'scenario',
  'auth',
  'capacity',
];

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', 'test/artifacts/**', 'simulation-output/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true, caughtErrors: 'none' },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // Tests may reach into loosely typed payloads (socket events, JSON bodies) without declaring every shape.
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: DOMAIN_LIBRARIES.map((lib) => `libs/${lib}/src/**/*.ts`),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@nestjs/*'],
              message: 'Domain libraries are plain TypeScript: keep Nest at the edge (apps/drill-server).',
            },
            {
              group: ['typeorm', 'typeorm/*'],
              message: 'Domain libraries do not touch the database: go through a repository in the server.',
            },
            { group: ['@drill/persistence'], message: 'Domain libraries do not depend on persistence.' },
          ],
        },
      ],
    },
  },
  {
    // The web consoles run in the browser (bundled by scripts/build-web.mjs): browser globals only, no Node module,
    // and no way to parse a string as HTML, so nothing a person or the server wrote can become markup.
    files: ['apps/drill-server/web/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^node:', message: 'The consoles run in the browser: no Node modules.' }] },
      ],
      'no-restricted-globals': ['error', 'process', 'Buffer', 'require', '__dirname', '__filename', 'global'],
      'no-restricted-properties': [
        'error',
        ...['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'createContextualFragment', 'parseFromString'].map(
          (property) => ({
            property,
            message: 'Build DOM nodes (h, clear, renderMarkdown in web/src/common): never parse text as HTML.',
          }),
        ),
        { object: 'document', property: 'write', message: 'Build DOM nodes instead.' },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  prettier,
);
