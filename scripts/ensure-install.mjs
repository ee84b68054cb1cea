// Installs dependencies when node_modules is missing or older than package-lock.json, so a fresh clone's
// `npm start` and `npm test` work as the first command. Exits quickly when everything is in place.
import { spawnSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')

export function ensureInstall() {
  const marker = join(ROOT, 'node_modules', '.package-lock.json')
  const lock = join(ROOT, 'package-lock.json')
  const fresh = existsSync(marker) && (!existsSync(lock) || statSync(marker).mtimeMs >= statSync(lock).mtimeMs)
  if (fresh) return
  console.log('Installing dependencies (npm ci)…')
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: ROOT, stdio: 'inherit' })
  if (result.status !== 0) {
    console.error('npm ci failed; fix the error above and run the command again.')
    process.exit(result.status ?? 1)
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureInstall()
