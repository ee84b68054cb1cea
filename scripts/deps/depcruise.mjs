// `npm run check:deps` (cycles): no module (file) in packages/*/src or apps/studio/src may import itself
// through others. Run by `npm run check:cycles` (part of `npm run check:deps`) as
// `depcruise --config scripts/deps/depcruise.mjs packages/*/src apps/studio/src`.
/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A module imports itself through others: break the circle (pass what is needed in, or move it down).',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
    // Only imports that exist at run time: `import type` (and imports of types alone) are erased by the compiler
    // and cannot change the order modules load in, so a cycle of those is not reported.
    tsPreCompilationDeps: false,
    tsConfig: { fileName: 'tsconfig.json' },
    // Workspace packages resolve to their source, as tests and vite read them.
    enhancedResolveOptions: {
      conditionNames: ['@nexus/source', 'import', 'node', 'default'],
      exportsFields: ['exports'],
      mainFields: ['module', 'main'],
      extensions: ['.ts', '.tsx', '.mts', '.mjs', '.js', '.json'],
    },
  },
}
