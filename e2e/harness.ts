import { existsSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser } from 'playwright-core'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const RESULTS = `${ROOT}test-results`

export { freePort, spawnKernel, stopKernel } from '../packages/kernel/test/process.ts'

export function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
  if (!existsSync(executablePath))
    throw new Error(`Chromium not found at ${executablePath}; apt-get install -y chromium`)
  mkdirSync(RESULTS, { recursive: true })
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}
