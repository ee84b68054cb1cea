import { defineConfig } from 'vitest/config'

// Suites against real servers from Debian's packages, each started by the test setup on loopback:
// TriLog on ClickHouse 18.16, and every kernel suite and security regression again on PostgreSQL (instead of
// SQLite).
// Outside CI a missing server skips with a note; in CI it fails.
export default defineConfig({
  resolve: { conditions: ['@nexus/source'] },
  ssr: { resolve: { conditions: ['@nexus/source'] } },
  test: {
    include: [
      'packages/*/test/**/*.service.test.ts',
      'packages/kernel/test/*.test.ts',
      // The security regressions through a kernel on PostgreSQL too (the fuzz suites spawn their own, on SQLite).
      'packages/kernel/test/security/[0-9]*.test.ts',
      'packages/kernel/test/security/headers-and-rate-limit.test.ts',
    ],
    // About the kernel's own SQLite file; its PostgreSQL counterpart is 02-sql-source-postgres.service.test.ts.
    exclude: ['**/node_modules/**', 'packages/kernel/test/security/02-sql-source-attach.test.ts'],
    globalSetup: ['packages/kernel/test/postgresGlobalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
})
