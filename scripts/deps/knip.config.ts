// `npm run check:deps` (dependencies): every package's imports are declared in its own package.json and nothing
// declared goes unused. It runs knip twice: over every file (sources, tests, benches,
// scripts), where a test or bench tool may come from the root's devDependencies, then with --production --strict
// over the sources alone, where each import must be one of that package's own `dependencies`.
import { existsSync } from 'node:fs'
import type { KnipConfig } from 'knip'

const production = process.argv.includes('--production')

// Every source file is an entry: workers and child processes (sandbox/src/worker/entry.mjs,
// kernel/src/extensions/sqliteHostMain.ts) are started by URL, so reachability from index.ts alone misses them.
const sources = ['src/**/*.{ts,tsx,mts,mjs}!', '!src/**/*.test.{ts,tsx}!']
const tests = ['src/**/*.test.{ts,tsx}', 'test/**/*.{ts,tsx,mjs}']

const config: KnipConfig = {
  workspaces: {
    '.': {
      entry: ['bench/**/*.ts', 'e2e/**/*.ts', 'scripts/**/*.{mjs,ts}', '*.config.ts'],
      project: ['bench/**/*.ts', 'e2e/**/*.ts', 'scripts/**/*.{mjs,ts}', '*.config.ts'],
    },
    ...Object.fromEntries(
      ['kernel', 'os', 'protocol', 'reactor', 'trilog'].map((name) => [
        `packages/${name}`,
        existsSync(`packages/${name}/test`)
          ? { entry: [...sources, ...tests], project: ['src/**', 'test/**'] }
          : { entry: sources, project: ['src/**'] },
      ]),
    ),
    'packages/sandbox': {
      entry: [...sources, ...tests],
      project: ['src/**', 'test/**'],
      // src/worker/entry.mjs registers tsx (a devDependency) to run the worker from source, in tests and benches;
      // the production build starts the bundled worker instead (scripts/build-kernel.mjs), never this file.
      ignoreDependencies: production ? ['tsx'] : [],
    },
    'apps/studio': { entry: [...sources], project: ['src/**', '*.config.ts'] },
  },
  // System programs the PostgreSQL test setup runs, not npm packages.
  ignoreBinaries: ['runuser'],
}

export default config
