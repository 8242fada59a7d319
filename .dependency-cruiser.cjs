// The layers: api → workflows (types, messages) → activities → adapters → lib. A layer imports only from below it.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'workflow-sandbox',
      comment: 'Workflow code runs in the deterministic sandbox: only workflow files, locale texts and the workflow-safe Temporal packages (type-only imports are erased).',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { pathNot: ['^workflows/', '^locales/[a-z]+\\.json$', '@temporalio/(workflow|common)'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-web-below-api',
      comment: 'The worker side (activities, adapters) and lib never depend on the web layer.',
      severity: 'error',
      from: { path: '^(activities|adapters|lib|workflows)/' },
      to: { path: '^api/' },
    },
    {
      name: 'routes-only-in-app',
      comment: 'A route module is mounted by the app; shared helpers live in api/, not in a route file.',
      severity: 'error',
      from: { pathNot: '^api/app\\.ts$' },
      to: { path: '^api/routes/' },
    },
    {
      name: 'lib-is-the-bottom',
      comment: 'lib knows nothing of HTTP, Temporal workers, activities or adapters.',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '^(api|activities|adapters)/' },
    },
    {
      name: 'adapters-below-activities',
      severity: 'error',
      from: { path: '^adapters/' },
      to: { path: '^(activities|workflows)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'bench-is-not-a-test',
      comment: 'Benchmarks share code with tests through a module outside test/.',
      severity: 'error',
      from: { path: '^bench/' },
      to: { path: '^test/' },
    },
    {
      name: 'production-code-not-on-tests',
      severity: 'error',
      from: { path: '^(api|activities|adapters|lib|workflows|sandbox|scripts|migrations)/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|data|dist|test-artifacts|test/fixtures/gates)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['es6', 'cjs'],
  },
};
