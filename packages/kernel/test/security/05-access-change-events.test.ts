import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AccessChange } from '../../src/accounts/AccountService.ts'
import { api, startTestKernel, type TestKernel } from '../helpers.ts'

// Finding 5 of issue #11, the emitting side: open WebSockets re-check access when `AccountService` announces
// that it may have ended. Each path that can end access goes through the service and announces it after the
// commit: a member removed (or leaving), a role changed, an API key revoked, logout, logout-all, a replay.

describe('finding 5: every way access can end announces an access change', () => {
  let t: TestKernel
  const heard: AccessChange[] = []
  let member: { id: string; token: string; refreshToken: string }
  const password = 'the member passphrase 3'

  beforeAll(async () => {
    t = await startTestKernel()
    t.kernel.accounts.onAccessChange((change) => heard.push(change))
    const r = await api(t.kernel, 'POST', '/api/auth/register', { email: 'm@example.com', password, name: 'M' }, null)
    member = { id: r.body.user.id, token: r.body.accessToken, refreshToken: r.body.refreshToken }
    await api(t.kernel, 'POST', `/api/workspaces/${t.workspaceId}/members`, { email: 'm@example.com', role: 'editor' })
  })
  afterAll(async () => {
    await t.kernel.close()
  })

  /** Runs `act` and returns what was announced meanwhile. */
  async function during(act: () => Promise<{ status: number }>, status: number): Promise<AccessChange[]> {
    heard.length = 0
    expect((await act()).status).toBe(status)
    return [...heard]
  }

  it('a role change and a removal announce the membership', async () => {
    const path = `/api/workspaces/${t.workspaceId}/members/${member.id}`
    const membership = { userId: member.id, reason: 'membership', workspaceId: t.workspaceId }
    expect(await during(() => api(t.kernel, 'PATCH', path, { role: 'viewer' }), 200)).toEqual([membership])
    expect(await during(() => api(t.kernel, 'DELETE', path), 204)).toEqual([membership])
    // A refused change announces nothing.
    expect(await during(() => api(t.kernel, 'DELETE', path), 404)).toEqual([])
    // Leaving by oneself is a removal too.
    await api(t.kernel, 'POST', `/api/workspaces/${t.workspaceId}/members`, { email: 'm@example.com', role: 'viewer' })
    expect(await during(() => api(t.kernel, 'DELETE', path, undefined, member.token), 204)).toEqual([membership])
  })

  it('revoking an API key announces the key', async () => {
    const key = (await api(t.kernel, 'POST', '/api/keys', { name: 'script' }, member.token)).body
    expect(await during(() => api(t.kernel, 'DELETE', `/api/keys/${key.id}`, undefined, member.token), 204)).toEqual([
      { userId: member.id, reason: 'apiKey', apiKeyId: key.id },
    ])
  })

  it('logout, a refresh replay and logout-all announce the sessions', async () => {
    const sessions = [{ userId: member.id, reason: 'sessions' }]
    const logout = () => api(t.kernel, 'POST', '/api/auth/logout', { refreshToken: member.refreshToken }, null)
    expect(await during(logout, 204)).toEqual(sessions)

    const login = (await api(t.kernel, 'POST', '/api/auth/login', { email: 'm@example.com', password }, null)).body
    const refresh = () => api(t.kernel, 'POST', '/api/auth/refresh', { refreshToken: login.refreshToken }, null)
    expect(await during(refresh, 200)).toEqual([])
    expect(await during(refresh, 401)).toEqual(sessions)

    const again = (await api(t.kernel, 'POST', '/api/auth/login', { email: 'm@example.com', password }, null)).body
    const logoutAll = () => api(t.kernel, 'POST', '/api/auth/logout-all', {}, again.accessToken)
    expect(await during(logoutAll, 204)).toEqual(sessions)
  })
})
