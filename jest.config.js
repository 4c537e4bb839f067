// `npm test` runs every project's tests: each app and lib has its own jest.config.js.
module.exports = {
  projects: ['<rootDir>/apps/*/jest.config.js', '<rootDir>/libs/*/jest.config.js'],
};
