// Shared jest settings: every project compiles TypeScript with SWC (fast on 2 cores, keeps decorator metadata
// for NestJS/TypeORM) and finds its unit tests beside the code and its end-to-end tests in e2e/.
const path = require('path');

const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

/** @param {string} dir the project's folder; @param {object} extra settings that project overrides */
module.exports = function preset(dir, extra = {}) {
  return {
    displayName: path.relative(__dirname, dir),
    rootDir: dir,
    testEnvironment: 'node',
    transform: { '^.+\\.(t|j)s$': ['@swc/jest', swc] },
    transformIgnorePatterns: ['/node_modules/'],
    testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/e2e/**/*.spec.ts'],
    moduleFileExtensions: ['ts', 'js', 'json'],
    ...extra,
  };
};
module.exports.swc = swc;
