import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningKernel } from '../../src/index.ts'
import { COUNTER, OWNER, TestClient, api, type KernelFactory } from '../helpers.ts'

type Who = 'owner' | 'editor' | 'viewer' | 'outsider' | 'anonymous'
const WHO: Who[] = ['owner', 'editor', 'viewer', 'outsider', 'anonymous']

/** Expected HTTP status per caller; outsiders get 404 so they cannot learn what exists. */
type Row = [
  name: string,
  method: string,
  path: (ids: Ids) => string,
  body: ((ids: Ids) => unknown) | undefined,
  expected: Record<Who, number>,
]
interface Ids {
  ws: string
  panel: string
  target: string
}

const READ = { owner: 200, editor: 200, viewer: 200, outsider: 404, anonymous: 401 }
const WRITE = { owner: 200, editor: 200, viewer: 403, outsider: 404, anonymous: 401 }
const OWNER_ONLY = { owner: 200, editor: 403, viewer: 403, outsider: 404, anonymous: 401 }

const MATRIX: Row[] = [
  ['list panels', 'GET', (i) => `/api/panels?workspaceId=${i.ws}`, undefined, READ],
  ['read a panel', 'GET', (i) => `/api/panels/${i.panel}`, undefined, READ],
  ['render a panel', 'GET', (i) => `/api/panels/${i.panel}/html`, undefined, READ],
  ['state at a time', 'GET', (i) => `/api/panels/${i.panel}/state?at=${Date.now() + 1e9}`, undefined, READ],
  ['workspace details', 'GET', (i) => `/api/workspaces/${i.ws}`, undefined, READ],
  ['list members', 'GET', (i) => `/api/workspaces/${i.ws}/members`, undefined, READ],
  ['trigger a tool', 'POST', (i) => `/api/panels/${i.panel}/trigger`, () => ({ tool: 'increment' }), WRITE],
  [
    'create a panel',
    'POST',
    () => '/api/panels',
    (i) => ({ nxml: COUNTER, workspaceId: i.ws }),
    { ...WRITE, owner: 201, editor: 201 },
  ],
  ['validate NXML', 'POST', () => '/api/nxml/validate', () => ({ nxml: COUNTER }), { ...READ, outsider: 200 }],
  [
    'invite a member',
    'POST',
    (i) => `/api/workspaces/${i.ws}/members`,
    () => ({ email: 'target@example.com', role: 'viewer' }),
    { ...OWNER_ONLY, owner: 201 },
  ],
  [
    'change a role',
    'PATCH',
    (i) => `/api/workspaces/${i.ws}/members/${i.target}`,
    () => ({ role: 'editor' }),
    OWNER_ONLY,
  ],
  [
    'remove a member',
    'DELETE',
    (i) => `/api/workspaces/${i.ws}/members/${i.target}`,
    undefined,
    { ...OWNER_ONLY, owner: 204 },
  ],
]

/** Every role and an outsider against every route and message; tampered, expired and revoked credentials. */
export function accessSuite(open: KernelFactory): void {
  describe('access control', () => {
    let kernel: RunningKernel
    let clock: { now: number }
    const tokens = {} as Record<Who, string | null>
    const ids = {} as Ids

    async function register(email: string): Promise<{ token: string; id: string }> {
      const r = await api(
        kernel,
        'POST',
        '/api/auth/register',
        { email, password: 'a long enough passphrase 7', name: email },
        null,
      )
      expect(r.status).toBe(201)
      return { token: r.body.accessToken, id: r.body.user.id }
    }

    beforeAll(async () => {
      let workspaceId: string
      ;({ kernel, clock, workspaceId } = await open())
      ids.ws = workspaceId
      tokens.owner = (await api(kernel, 'POST', '/api/auth/login', OWNER, null)).body.accessToken
      tokens.anonymous = null
      for (const who of ['editor', 'viewer', 'outsider'] as const) {
        tokens[who] = (await register(`${who}@example.com`)).token
        if (who !== 'outsider') {
          const added = await api(kernel, 'POST', `/api/workspaces/${ids.ws}/members`, {
            email: `${who}@example.com`,
            role: who,
          })
          expect(added.status).toBe(201)
        }
      }
      ids.target = (await register('target@example.com')).id
      ids.panel = (await api(kernel, 'POST', '/api/panels', { nxml: COUNTER })).body.id
    })
    afterAll(async () => {
      await kernel.close()
    })

    for (const [name, method, path, body] of MATRIX) {
      it(`HTTP: ${name}`, async () => {
        const got: Record<string, number> = {}
        for (const who of WHO) {
          // Member routes need the target in a known state before each caller tries.
          await api(kernel, 'DELETE', `/api/workspaces/${ids.ws}/members/${ids.target}`)
          if (name !== 'invite a member') {
            await api(kernel, 'POST', `/api/workspaces/${ids.ws}/members`, {
              email: 'target@example.com',
              role: 'viewer',
            })
          }
          got[who] = (await api(kernel, method, path(ids), body?.(ids), tokens[who])).status
        }
        expect(got).toEqual(MATRIX.find((r) => r[0] === name)![4])
      })
    }

    it('WebSocket: subscribe and trigger per role', async () => {
      const got: Record<string, string[]> = {}
      for (const who of WHO) {
        const c = await TestClient.connect(kernel, tokens[who])
        c.send({ type: 'subscribe', reqId: 's', channel: `panel:${ids.panel}` })
        const sub = await c.next((m) => m.type === 'ack' || m.type === 'error')
        c.send({ type: 'trigger', reqId: 't', panelId: ids.panel, tool: 'increment' })
        const trig = await c.next((m) => (m.type === 'ack' || m.type === 'error') && m.reqId === 't')
        got[who] = [sub, trig].map((m) => (m.type === 'error' ? m.error.code : 'ok'))
        c.close()
      }
      expect(got).toEqual({
        owner: ['ok', 'ok'],
        editor: ['ok', 'ok'],
        viewer: ['ok', 'FORBIDDEN'],
        outsider: ['NOT_FOUND', 'NOT_FOUND'],
        anonymous: ['UNAUTHENTICATED', 'UNAUTHENTICATED'],
      })
    })

    it('WebSocket: hello with a token authenticates an anonymous connection', async () => {
      const c = await TestClient.connect(kernel, null)
      c.send({ type: 'hello', reqId: 'h', token: tokens.viewer })
      expect(await c.next((m) => m.type === 'ack')).toMatchObject({ result: { user: { email: 'viewer@example.com' } } })
      c.send({ type: 'subscribe', reqId: 's', channel: `panel:${ids.panel}` })
      expect(await c.next((m) => (m.type === 'ack' || m.type === 'error') && m.reqId === 's')).toMatchObject({
        type: 'ack',
        reqId: 's',
      })
      c.send({ type: 'hello', reqId: 'bad', token: 'not-a-token' })
      expect(await c.next((m) => m.type === 'error')).toMatchObject({
        reqId: 'bad',
        error: { code: 'UNAUTHENTICATED' },
      })
      c.close()
    })

    it('refuses tampered, expired, logged-out and revoked credentials', async () => {
      const path = `/api/panels/${ids.panel}`
      const token = tokens.editor!
      const tampered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA')
      expect((await api(kernel, 'GET', path, undefined, tampered)).body.error.code).toBe('UNAUTHENTICATED')
      expect((await api(kernel, 'GET', path, undefined, 'nxk_000000000000_' + 'x'.repeat(32))).status).toBe(401)

      clock.now += 16 * 60 * 1000 // past the 15-minute access token lifetime
      expect((await api(kernel, 'GET', path, undefined, token)).status).toBe(401)
      clock.now -= 16 * 60 * 1000

      const key = await api(kernel, 'POST', '/api/keys', { name: 'script' }, token)
      expect((await api(kernel, 'GET', path, undefined, key.body.key)).status).toBe(200)
      expect((await api(kernel, 'DELETE', `/api/keys/${key.body.id}`, undefined, token)).status).toBe(204)
      expect((await api(kernel, 'GET', path, undefined, key.body.key)).status).toBe(401)

      expect((await api(kernel, 'POST', '/api/auth/logout-all', {}, token)).status).toBe(204)
      expect((await api(kernel, 'GET', path, undefined, token)).status).toBe(401)
    })

    it('rotates refresh tokens and revokes the family when one is replayed', async () => {
      const login = await api(kernel, 'POST', '/api/auth/login', OWNER, null)
      const first = login.body.refreshToken as string
      const second = await api(kernel, 'POST', '/api/auth/refresh', { refreshToken: first }, null)
      expect(second.status).toBe(200)
      expect(second.body.refreshToken).not.toBe(first)
      const replay = await api(kernel, 'POST', '/api/auth/refresh', { refreshToken: first }, null)
      expect(replay.body.error.code).toBe('UNAUTHENTICATED')
      // The thief's replay also ended the legitimate successor.
      expect(
        (await api(kernel, 'POST', '/api/auth/refresh', { refreshToken: second.body.refreshToken }, null)).status,
      ).toBe(401)
    })

    it('limits failed logins', async () => {
      const wrong = { email: 'viewer@example.com', password: 'wrong password' }
      const statuses: number[] = []
      for (let i = 0; i < 11; i++) statuses.push((await api(kernel, 'POST', '/api/auth/login', wrong, null)).status)
      expect(statuses).toEqual([...Array(10).fill(401), 429])
      clock.now += 15 * 60 * 1000
      expect((await api(kernel, 'POST', '/api/auth/login', wrong, null)).status).toBe(401)
    })

    it('refuses a second setup and keeps the last owner', async () => {
      expect(
        (await api(kernel, 'POST', '/api/auth/setup', { ...OWNER, email: 'x@example.com' }, null)).body.error.code,
      ).toBe('SETUP_DONE')
      const me = (await api(kernel, 'GET', '/api/me')).body
      const demote = await api(kernel, 'PATCH', `/api/workspaces/${ids.ws}/members/${me.user.id}`, { role: 'viewer' })
      expect(demote).toMatchObject({ status: 409, body: { error: { code: 'LAST_OWNER' } } })
    })
  })
}
