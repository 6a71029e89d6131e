// The one set of SWC options that compiles our TypeScript, for Jest (jest.config.mjs) and for running the sources
// without a build (ts-loader.mjs): legacy decorators with emitted metadata, which Nest's dependency injection needs.
/** @type {import('@swc/core').Options} */
export const SWC_OPTIONS = {
  sourceMaps: 'inline',
  module: { type: 'es6' },
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    keepClassNames: true,
    target: 'es2022',
  },
};
