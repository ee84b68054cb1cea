import { defineConfig } from 'vitest/config'

// Browser suites: real kernel processes and real Chromium (playwright-core, /usr/bin/chromium).
export default defineConfig({
  resolve: { conditions: ['@nexus/source'] },
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    globalSetup: ['e2e/buildStudio.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
  },
})
