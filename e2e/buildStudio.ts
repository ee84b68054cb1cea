import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** Builds the studio once before the browser suites, the way `npm start` serves it. */
export default function setup(): void {
  const result = spawnSync('npx', ['vite', 'build', 'apps/studio', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
    // vitest sets NODE_ENV=test, which would bundle React's development build: test what `npm start` serves.
    env: { ...process.env, NODE_ENV: 'production' },
  })
  if (result.status !== 0) throw new Error('vite build of apps/studio failed')
}
