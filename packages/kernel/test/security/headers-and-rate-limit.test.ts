// Headers and limits: a Content-Security-Policy (and the usual companions) on every answer the kernel gives,
// and a request budget per caller answered with 429 and Retry-After. The browser half — panels render and
// work under this policy with no violation — is e2e/csp.e2e.test.ts.
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { THEME_CSS } from '@nexus/reactor'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_REQUESTS_PER_MINUTE, rateLimitFromEnv } from '../../src/http/rateLimit.ts'
import { api, startTestKernel, type TestKernel } from '../helpers.ts'

const LIMIT = 50
/** The studio injects the reactor's theme as its one inline `<style>`; the policy allows exactly that text. */
const THEME_HASH = `sha256-${createHash('sha256').update(THEME_CSS).digest('base64')}`

/** A stand-in studio build: an index page and one hashed asset, served the way the real build is. */
function fakeStudio(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nexus-studio-'))
  mkdirSync(join(dir, 'assets'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="/assets/app.js"></script>')
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log("studio")')
  return dir
}

describe('security headers and the per-caller request limit', () => {
  let t: TestKernel
  let previous: string | undefined

  beforeAll(async () => {
    previous = process.env.NEXUS_RATE_LIMIT
    process.env.NEXUS_RATE_LIMIT = String(LIMIT)
    t = await startTestKernel({ studioDir: fakeStudio() })
  })
  afterAll(async () => {
    await t.kernel.close()
    if (previous === undefined) delete process.env.NEXUS_RATE_LIMIT
    else process.env.NEXUS_RATE_LIMIT = previous
  })

  function expectSecurityHeaders(res: Response, what: string): void {
    const host = new URL(t.kernel.url).host
    const csp = res.headers.get('content-security-policy')?.replaceAll(host, 'HOST').replace(THEME_HASH, 'THEME')
    expect(csp, what).toBe(
      "default-src 'self';script-src 'self';script-src-attr 'none';style-src 'self' 'THEME';" +
        "img-src 'self' data: https: http:;font-src 'self' data:;connect-src 'self' ws://HOST wss://HOST;" +
        "object-src 'none';base-uri 'self';form-action 'self';frame-ancestors 'none'",
    )
    expect(res.headers.get('x-content-type-options'), what).toBe('nosniff')
    expect(res.headers.get('x-frame-options'), what).toBe('DENY')
    expect(res.headers.get('referrer-policy'), what).toBe('no-referrer')
    expect(res.headers.get('cross-origin-opener-policy'), what).toBe('same-origin')
    expect(res.headers.get('strict-transport-security'), what).toBe('max-age=15552000')
    expect(res.headers.get('x-powered-by'), what).toBeNull()
  }

  it('puts the policy on every kind of answer: studio page and asset, API, health, errors', async () => {
    const auth = { authorization: `Bearer ${t.ownerKey}` }
    const pages: [string, string, RequestInit, number][] = [
      ['studio page', '/', {}, 200],
      ['studio route (SPA fallback)', '/panels/abc', {}, 200],
      ['studio asset', '/assets/app.js', {}, 200],
      ['API answer', '/api/me', { headers: auth }, 200],
      ['health', '/healthz', {}, 200],
      ['metrics', '/metrics', {}, 200],
      ['unauthenticated API call', '/api/me', {}, 401],
      ['unknown API route', '/api/nope', { headers: auth }, 404],
      [
        'malformed JSON body',
        '/api/panels',
        { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{' },
        400,
      ],
    ]
    for (const [what, path, init, status] of pages) {
      const res = await fetch(t.kernel.url + path, init)
      expect(res.status, what).toBe(status)
      expectSecurityHeaders(res, what)
    }
  })

  it('answers a flood from one caller with 429 and Retry-After; other callers go on', async () => {
    const other = { name: 'Bob', email: 'bob@example.com', password: 'another long password' }
    expect((await api(t.kernel, 'POST', '/api/auth/register', other, null)).status).toBe(201)
    const bob = (await api(t.kernel, 'POST', '/api/auth/login', other, null)).body.accessToken as string

    // Enough requests to pass the limit even if a window turns over during the flood.
    let limited: Response | undefined
    for (let i = 0; i < LIMIT * 3 && !limited; i++) {
      const res = await fetch(`${t.kernel.url}/api/me`, { headers: { authorization: `Bearer ${t.ownerKey}` } })
      if (res.status === 429) limited = res
      else expect(res.status).toBe(200)
    }
    expect(limited).toBeDefined()
    const retryAfter = Number(limited!.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThan(0)
    expect(retryAfter).toBeLessThanOrEqual(60)
    const body = (await limited!.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('RATE_LIMITED')
    expect(body.error.message).toContain(`at most ${LIMIT} a minute per caller; retry after`)
    expectSecurityHeaders(limited!, 'the 429 answer')

    // The flood was counted against the owner, not the address: Bob and anonymous callers are unaffected.
    expect((await api(t.kernel, 'GET', '/api/me', undefined, bob)).status).toBe(200)
    expect((await fetch(`${t.kernel.url}/healthz`)).status).toBe(200)
    // Every credential of the owner shares the one budget.
    const session = await api(
      t.kernel,
      'POST',
      '/api/auth/login',
      { email: 'owner@example.com', password: 'correct horse battery' },
      null,
    )
    expect((await api(t.kernel, 'GET', '/api/me', undefined, session.body.accessToken as string)).status).toBe(429)
  })

  it('refuses a rate limit that is not a positive whole number', () => {
    expect(rateLimitFromEnv({})).toBe(DEFAULT_REQUESTS_PER_MINUTE)
    expect(rateLimitFromEnv({ NEXUS_RATE_LIMIT: '120' })).toBe(120)
    for (const bad of ['0', '-5', '1.5', 'lots']) {
      expect(() => rateLimitFromEnv({ NEXUS_RATE_LIMIT: bad })).toThrow(
        /NEXUS_RATE_LIMIT must be a positive whole number/,
      )
    }
  })
})
