import { SignJWT, decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadJwtSecret } from '../../src/accounts/secrets.ts'
import { OWNER, TestClient, api, startTestKernel, type TestKernel } from '../helpers.ts'

// Finding 10 of issue #11: after a refresh-token replay (a stolen token used twice) the access tokens already
// issued to that session kept working until they expired, and a JWT without `exp`, signed with the real key,
// was accepted forever. Access tokens now name their refresh family, refused once it is revoked, and must
// carry `exp`, `iat` and `sub` with an age no greater than the access-token lifetime.

describe('finding 10: replayed refresh tokens and tokens without expiry', () => {
  let t: TestKernel
  beforeAll(async () => {
    t = await startTestKernel()
  })
  afterAll(async () => {
    await t.kernel.close()
  })

  const me = async (token: string) => (await api(t.kernel, 'GET', '/api/me', undefined, token)).status

  it('a replay ends the access tokens of the whole family at once', async () => {
    const first = (await api(t.kernel, 'POST', '/api/auth/login', OWNER, null)).body
    const other = (await api(t.kernel, 'POST', '/api/auth/login', OWNER, null)).body
    const second = (await api(t.kernel, 'POST', '/api/auth/refresh', { refreshToken: first.refreshToken }, null)).body
    // A rotation keeps the family alive: both access tokens still work.
    expect([await me(first.accessToken), await me(second.accessToken)]).toEqual([200, 200])

    const replay = await api(t.kernel, 'POST', '/api/auth/refresh', { refreshToken: first.refreshToken }, null)
    expect(replay.status).toBe(401)
    expect(replay.body.error.message).toMatch(/log in again/)
    const refused = await api(t.kernel, 'GET', '/api/me', undefined, second.accessToken)
    expect(refused.body.error).toEqual({ code: 'UNAUTHENTICATED', message: 'This session has ended; log in again' })
    expect(await me(first.accessToken)).toBe(401)
    // A WebSocket cannot start with one either.
    const ws = await TestClient.connect(t.kernel, null)
    ws.send({ type: 'hello', reqId: 'h', token: first.accessToken })
    expect(await ws.next((m) => m.type === 'ack' || m.type === 'error')).toMatchObject({
      type: 'error',
      error: { code: 'UNAUTHENTICATED' },
    })
    ws.close()
    // Another session of the same user is a different family and goes on.
    expect(await me(other.accessToken)).toBe(200)
  })

  it('refuses a JWT signed with the real key but without exp, or older than the access-token lifetime', async () => {
    const secret = loadJwtSecret(t.dataDir, process.env.JWT_SECRET)
    const real = (await api(t.kernel, 'POST', '/api/auth/login', OWNER, null)).body.accessToken as string
    const claims = decodeJwt(real)
    const now = Math.floor(t.clock.now / 1000)
    const forge = (build: (jwt: SignJWT) => SignJWT) =>
      build(new SignJWT({ tv: claims.tv, fam: claims.fam }).setProtectedHeader({ alg: 'HS256' }))
        .setSubject(claims.sub!)
        .sign(secret)

    // The control: the same forgery with a normal lifetime is accepted, so the key and claims are right.
    expect(await me(await forge((j) => j.setIssuedAt(now).setExpirationTime(now + 60)))).toBe(200)

    const noExp = await api(t.kernel, 'GET', '/api/me', undefined, await forge((j) => j.setIssuedAt(now)))
    expect(noExp.status).toBe(401)
    expect(noExp.body.error.message).toMatch(/refresh it or log in again/)
    expect(await me(await forge((j) => j.setExpirationTime(now + 60)))).toBe(401)
    expect(await me(await forge((j) => j.setIssuedAt(now - 86_400).setExpirationTime(now + 86_400)))).toBe(401)
  })
})
