import { defineConfig } from 'vitest/config'

// Suites against real servers from Debian's packages, each started by the test setup on loopback:
// TriLog on ClickHouse 18.16, and every kernel suite again on PostgreSQL (instead of SQLite).
// Outside CI a missing server skips with a note; in CI it fails.
export default defineConfig({
  resolve: { conditions: ['@nexus/source'] },
  ssr: { resolve: { conditions: ['@nexus/source'] } },
  test: {
    include: ['packages/*/test/**/*.service.test.ts', 'packages/kernel/test/*.test.ts'],
    globalSetup: ['packages/kernel/test/postgresGlobalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
})
