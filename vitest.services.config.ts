import { defineConfig } from 'vitest/config'

// Suites against real servers from Debian's packages (PostgreSQL, ClickHouse 18.16), each started by its
// test setup on loopback. Outside CI a missing server skips the suite with a note; in CI it fails.
export default defineConfig({
  resolve: { conditions: ['@nexus/source'] },
  ssr: { resolve: { conditions: ['@nexus/source'] } },
  test: {
    include: ['packages/*/test/**/*.service.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
})
