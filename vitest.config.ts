import { defineConfig } from 'vitest/config'

// Unit and integration suites: every package's src/**/*.test.ts and test/**/*.test.ts.
export default defineConfig({
  resolve: { conditions: ['@nexus/source'] },
  ssr: { resolve: { conditions: ['@nexus/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'apps/studio/src/**/*.test.ts'],
    // Service-backed suites (*.service.test.ts) need PostgreSQL or a ClickHouse server: `npm run test:services`.
    exclude: ['**/node_modules/**', 'e2e/**', '**/*.service.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
