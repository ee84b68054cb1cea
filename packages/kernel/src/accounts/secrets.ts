import { createHash, randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url')
}

/** A new random id for a row (user, workspace, panel…): 72 bits, URL-safe. */
export function newId(): string {
  return randomToken(9)
}

/** `JWT_SECRET` when set, otherwise a secret generated once and kept in `<dataDir>/jwt-secret` (mode 600). */
export function loadJwtSecret(dataDir: string, fromEnv: string | undefined): Uint8Array {
  if (fromEnv) {
    if (fromEnv.length < 32) throw new Error('JWT_SECRET must be at least 32 characters')
    return new TextEncoder().encode(fromEnv)
  }
  const file = join(dataDir, 'jwt-secret')
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true })
    writeFileSync(file, randomToken(48), { mode: 0o600 })
    chmodSync(file, 0o600)
  }
  return new TextEncoder().encode(readFileSync(file, 'utf8').trim())
}
