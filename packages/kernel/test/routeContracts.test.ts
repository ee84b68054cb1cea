import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { API_ROUTES, ErrorResponseSchema, isErrorCode, type ApiRoute, type ErrorCode } from '@nexus/protocol'
import { createApp, type AppOptions } from '../src/http/createApp.ts'
import { startKernel, type RunningKernel } from '../src/index.ts'
import { COUNTER, OWNER, api } from './helpers.ts'

// Every route under /api, called for real (a kernel on a SQLite file), answers what its protocol schema
// says: one success and one typical failure per route, in an order where each builds on the last.

const BOB = { email: 'bob@example.com', password: 'another long passphrase', name: 'Bob Builder' }
const BROKEN = '<NexusPanel title="Broken"><View></NexusPanel>'

/** Values the calls need, filled in as the cases run. */
interface Ctx {
  owner: string
  ownerRefresh: string
  bob: string
  bobToken: string
  ws: string
  keyId: string
  panel: string
  copy: string
  changeVersion: number
  traceId: string
  patch: string
  clock: { now: number }
}

interface Call {
  method: string
  path: string
  body?: unknown
  /** Defaults to the owner's access token; null calls anonymously. */
  token?: string | null
}

interface Case {
  route: ApiRoute
  ok: { status: number; call: (c: Ctx) => Call | Promise<Call>; then?: (body: any, c: Ctx) => void }
  /** A typical failure: the code and status it must answer; null only for a route no caller can make fail. */
  fails: { status: number; code: ErrorCode; call: (c: Ctx) => Call | Promise<Call> } | null
}

const WS = (c: Ctx) => `/api/workspaces/${c.ws}`
const NOG = (c: Ctx) => `${WS(c)}/nog`
const P = (c: Ctx) => `/api/panels/${c.panel}`

const CASES: Case[] = [
  {
    route: 'GET /api/auth/status',
    ok: { status: 200, call: () => ({ method: 'GET', path: '/api/auth/status', token: null }) },
    fails: null, // anonymous or not, a stale cookie or none: it always answers
  },
  {
    route: 'POST /api/auth/setup',
    ok: {
      status: 201,
      call: () => ({ method: 'POST', path: '/api/auth/setup', body: OWNER, token: null }),
      then: (b, c) => (c.owner = b.accessToken),
    },
    fails: {
      status: 409,
      code: 'SETUP_DONE',
      call: () => ({ method: 'POST', path: '/api/auth/setup', body: OWNER, token: null }),
    },
  },
  {
    route: 'POST /api/auth/register',
    ok: {
      status: 201,
      call: () => ({ method: 'POST', path: '/api/auth/register', body: BOB, token: null }),
      then: (b, c) => ((c.bob = b.user.id), (c.bobToken = b.accessToken)),
    },
    fails: {
      status: 400,
      code: 'WEAK_PASSWORD',
      call: () => ({
        method: 'POST',
        path: '/api/auth/register',
        body: { ...BOB, email: 'weak@example.com', password: 'password' },
        token: null,
      }),
    },
  },
  {
    route: 'POST /api/auth/login',
    ok: {
      status: 200,
      call: () => ({ method: 'POST', path: '/api/auth/login', body: OWNER, token: null }),
      then: (b, c) => (c.ownerRefresh = b.refreshToken),
    },
    fails: {
      status: 401,
      code: 'INVALID_CREDENTIALS',
      call: () => ({ method: 'POST', path: '/api/auth/login', body: { ...OWNER, password: 'wrong one' }, token: null }),
    },
  },
  {
    route: 'POST /api/auth/refresh',
    ok: {
      status: 200,
      call: (c) => ({ method: 'POST', path: '/api/auth/refresh', body: { refreshToken: c.ownerRefresh }, token: null }),
      then: (b, c) => (c.ownerRefresh = b.refreshToken),
    },
    fails: {
      status: 401,
      code: 'UNAUTHENTICATED',
      call: () => ({ method: 'POST', path: '/api/auth/refresh', body: {}, token: null }),
    },
  },
  {
    route: 'GET /api/me',
    ok: { status: 200, call: () => ({ method: 'GET', path: '/api/me' }), then: (b, c) => (c.ws = b.workspaces[0].id) },
    fails: { status: 401, code: 'UNAUTHENTICATED', call: () => ({ method: 'GET', path: '/api/me', token: null }) },
  },
  {
    route: 'POST /api/keys',
    ok: {
      status: 201,
      call: () => ({ method: 'POST', path: '/api/keys', body: { name: 'ci' } }),
      then: (b, c) => (c.keyId = b.id),
    },
    fails: {
      status: 400,
      code: 'BAD_REQUEST',
      call: () => ({ method: 'POST', path: '/api/keys', body: { name: '' } }),
    },
  },
  {
    route: 'GET /api/keys',
    ok: { status: 200, call: () => ({ method: 'GET', path: '/api/keys' }) },
    fails: { status: 401, code: 'UNAUTHENTICATED', call: () => ({ method: 'GET', path: '/api/keys', token: null }) },
  },
  {
    route: 'DELETE /api/keys/:id',
    ok: { status: 204, call: (c) => ({ method: 'DELETE', path: `/api/keys/${c.keyId}` }) },
    fails: { status: 404, code: 'NOT_FOUND', call: (c) => ({ method: 'DELETE', path: `/api/keys/${c.keyId}` }) },
  },
  {
    route: 'GET /api/workspaces',
    ok: { status: 200, call: () => ({ method: 'GET', path: '/api/workspaces' }) },
    fails: {
      status: 401,
      code: 'UNAUTHENTICATED',
      call: () => ({ method: 'GET', path: '/api/workspaces', token: null }),
    },
  },
  {
    route: 'POST /api/workspaces',
    ok: { status: 201, call: () => ({ method: 'POST', path: '/api/workspaces', body: { name: 'Second' } }) },
    fails: { status: 400, code: 'BAD_REQUEST', call: () => ({ method: 'POST', path: '/api/workspaces', body: {} }) },
  },
  {
    route: 'GET /api/workspaces/:id',
    ok: { status: 200, call: (c) => ({ method: 'GET', path: WS(c) }) },
    fails: { status: 404, code: 'NOT_FOUND', call: () => ({ method: 'GET', path: '/api/workspaces/nope' }) },
  },
  {
    route: 'POST /api/workspaces/:id/members',
    ok: {
      status: 201,
      call: (c) => ({ method: 'POST', path: `${WS(c)}/members`, body: { email: BOB.email, role: 'editor' } }),
    },
    fails: {
      status: 409,
      code: 'ALREADY_MEMBER',
      call: (c) => ({ method: 'POST', path: `${WS(c)}/members`, body: { email: BOB.email, role: 'editor' } }),
    },
  },
  {
    route: 'GET /api/workspaces/:id/members',
    ok: { status: 200, call: (c) => ({ method: 'GET', path: `${WS(c)}/members` }) },
    fails: { status: 404, code: 'NOT_FOUND', call: () => ({ method: 'GET', path: '/api/workspaces/nope/members' }) },
  },
  {
    route: 'DELETE /api/workspaces/:id/invitations/:email',
    ok: {
      status: 204,
      call: async (c) => {
        const invite = { email: 'carol@example.com', role: 'viewer' }
        expect((await api(kernel, 'POST', `${WS(c)}/members`, invite, c.owner)).status).toBe(201)
        return { method: 'DELETE', path: `${WS(c)}/invitations/carol%40example.com` }
      },
    },
    fails: {
      status: 404,
      code: 'NOT_FOUND',
      call: (c) => ({ method: 'DELETE', path: `${WS(c)}/invitations/carol%40example.com` }),
    },
  },
  {
    route: 'PATCH /api/workspaces/:id/members/:userId',
    ok: {
      status: 200,
      call: (c) => ({ method: 'PATCH', path: `${WS(c)}/members/${c.bob}`, body: { role: 'viewer' } }),
    },
    fails: {
      status: 409,
      code: 'LAST_OWNER',
      call: async (c) => {
        const me = (await api(kernel, 'GET', '/api/me', undefined, c.owner)).body.user.id as string
        return { method: 'PATCH', path: `${WS(c)}/members/${me}`, body: { role: 'viewer' } }
      },
    },
  },
  {
    route: 'POST /api/nxml/validate',
    ok: { status: 200, call: () => ({ method: 'POST', path: '/api/nxml/validate', body: { nxml: BROKEN } }) },
    fails: {
      status: 400,
      code: 'BAD_REQUEST',
      call: () => ({ method: 'POST', path: '/api/nxml/validate', body: { nxml: 5 } }),
    },
  },
  {
    route: 'POST /api/panels',
    ok: {
      status: 201,
      call: (c) => ({ method: 'POST', path: '/api/panels', body: { nxml: COUNTER, workspaceId: c.ws } }),
      then: (b, c) => (c.panel = b.id),
    },
    fails: {
      status: 422,
      code: 'NXML_INVALID',
      call: (c) => ({ method: 'POST', path: '/api/panels', body: { nxml: BROKEN, workspaceId: c.ws } }),
    },
  },
  {
    route: 'GET /api/panels',
    ok: { status: 200, call: (c) => ({ method: 'GET', path: `/api/panels?workspaceId=${c.ws}` }) },
    fails: { status: 404, code: 'NOT_FOUND', call: () => ({ method: 'GET', path: '/api/panels?workspaceId=nope' }) },
  },
  {
    route: 'GET /api/panels/:id',
    ok: { status: 200, call: (c) => ({ method: 'GET', path: P(c) }) },
    fails: { status: 404, code: 'NOT_FOUND', call: () => ({ method: 'GET', path: '/api/panels/nope' }) },
  },
  {
    route: 'POST /api/panels/:id/trigger',
    ok: {
      status: 200,
      call: (c) => {
        c.clock.now += 1000
        return { method: 'POST', path: `${P(c)}/trigger`, body: { tool: 'increment', args: { step: 2 } } }
      },
      then: (b, c) => (c.changeVersion = b.version),
    },
    fails: {
      status: 404,
      code: 'TOOL_NOT_FOUND',
      call: (c) => ({ method: 'POST', path: `${P(c)}/trigger`, body: { tool: 'explode' } }),
    },
  },
  {
    route: 'GET /api/panels/:id/state',
    ok: { status: 200, call: (c) => ({ method: 'GET', path: `${P(c)}/state?at=${c.clock.now}` }) },
    fails: { status: 400, code: 'BAD_REQUEST', call: (c) => ({ method: 'GET', path: `${P(c)}/state` }) },
  },
  {
    route: 'GET /api/panels/:id/html',
    ok: { status: 200, call: (c) => ({ method: 'GET', path: `${P(c)}/html` }) },
    fails: { status: 404, code: 'NOT_FOUND', call: () => ({ method: 'GET', path: '/api/panels/nope/html' }) },
  },
  {
    route: 'GET /api/panels/:id/timeline',
    ok: {
      status: 200,
      call: (c) => ({ method: 'GET', path: `${P(c)}/timeline` }),
      then: (b, c) => (c.traceId = b.entries.find((e: { kind: string }) => e.kind === 'state_change').traceId),
    },
    fails: { status: 400, code: 'BAD_REQUEST', call: (c) => ({ method: 'GET', path: `${P(c)}/timeline?limit=-1` }) },
  },
  {
    route: 'GET /api/panels/:id/diff',
    ok: { status: 200, call: (c) => ({ method: 'GET', path: `${P(c)}/diff?from=0&to=${c.clock.now}` }) },
    fails: { status: 400, code: 'BAD_REQUEST', call: (c) => ({ method: 'GET', path: `${P(c)}/diff?from=0` }) },
  },
  {
    route: 'GET /api/panels/:id/who-changed',
    ok: { status: 200, call: (c) => ({ method: 'GET', path: `${P(c)}/who-changed?path=/count` }) },
    fails: {
      status: 400,
      code: 'BAD_REQUEST',
      call: (c) => ({ method: 'GET', path: `${P(c)}/who-changed?path=count` }),
    },
  },
  {
    route: 'GET /api/panels/:id/cause',
    ok: { status: 200, call: (c) => ({ method: 'GET', path: `${P(c)}/cause?at=${c.clock.now}` }) },
    fails: { status: 404, code: 'NOT_FOUND', call: (c) => ({ method: 'GET', path: `${P(c)}/cause?at=0` }) },
  },
  {
    route: 'GET /api/panels/:id/anomalies',
    ok: { status: 200, call: (c) => ({ method: 'GET', path: `${P(c)}/anomalies` }) },
    fails: { status: 400, code: 'BAD_REQUEST', call: (c) => ({ method: 'GET', path: `${P(c)}/anomalies?from=soon` }) },
  },
  {
    route: 'POST /api/panels/:id/changes/:version/replay',
    ok: { status: 200, call: (c) => ({ method: 'POST', path: `${P(c)}/changes/${c.changeVersion}/replay` }) },
    fails: { status: 400, code: 'BAD_REQUEST', call: (c) => ({ method: 'POST', path: `${P(c)}/changes/zero/replay` }) },
  },
  {
    route: 'POST /api/panels/:id/failures/:ts/:seq/replay',
    ok: {
      status: 200,
      // A panel of its own whose one tool throws: its failed run is on the timeline to be re-run.
      call: async (c) => {
        const nxml =
          '<NexusPanel title="Fuse"><Logic><Tool name="blow"><Handler>throw new Error("lit")</Handler></Tool></Logic><View /></NexusPanel>'
        const fuse = (await api(kernel, 'POST', '/api/panels', { nxml, workspaceId: c.ws }, c.owner)).body.id as string
        await api(kernel, 'POST', `/api/panels/${fuse}/trigger`, { tool: 'blow' }, c.owner)
        const { entries } = (await api(kernel, 'GET', `/api/panels/${fuse}/timeline`, undefined, c.owner)).body
        const failed = (entries as { kind: string; ts: number; seq: number }[]).find(
          (e) => e.kind === 'trigger_failed',
        )!
        return { method: 'POST', path: `/api/panels/${fuse}/failures/${failed.ts}/${failed.seq}/replay` }
      },
      then: (b) => expect(b).toMatchObject({ tool: 'blow', reproduced: true, replayed: null }),
    },
    fails: { status: 404, code: 'NOT_FOUND', call: (c) => ({ method: 'POST', path: `${P(c)}/failures/1/0/replay` }) },
  },
  {
    route: 'GET /api/traces/:traceId',
    ok: { status: 200, call: (c) => ({ method: 'GET', path: `/api/traces/${c.traceId}` }) },
    fails: { status: 400, code: 'BAD_REQUEST', call: () => ({ method: 'GET', path: '/api/traces/not-hex' }) },
  },
  {
    route: 'PUT /api/panels/:id/nxml',
    ok: { status: 200, call: (c) => ({ method: 'PUT', path: `${P(c)}/nxml`, body: { nxml: COUNTER } }) },
    fails: {
      status: 422,
      code: 'NXML_INVALID',
      call: (c) => ({ method: 'PUT', path: `${P(c)}/nxml`, body: { nxml: BROKEN } }),
    },
  },
  {
    route: 'PATCH /api/panels/:id',
    ok: { status: 200, call: (c) => ({ method: 'PATCH', path: P(c), body: { title: 'Tally' } }) },
    fails: { status: 400, code: 'BAD_REQUEST', call: (c) => ({ method: 'PATCH', path: P(c), body: {} }) },
  },
  {
    route: 'POST /api/panels/:id/duplicate',
    ok: {
      status: 201,
      call: (c) => ({ method: 'POST', path: `${P(c)}/duplicate`, body: {} }),
      then: (b, c) => (c.copy = b.id),
    },
    fails: {
      status: 404,
      code: 'NOT_FOUND',
      call: () => ({ method: 'POST', path: '/api/panels/nope/duplicate', body: {} }),
    },
  },
  {
    route: 'DELETE /api/panels/:id',
    ok: { status: 204, call: (c) => ({ method: 'DELETE', path: `/api/panels/${c.copy}` }) },
    fails: { status: 404, code: 'NOT_FOUND', call: (c) => ({ method: 'DELETE', path: `/api/panels/${c.copy}` }) },
  },
  {
    route: 'POST /api/panels/:id/restore',
    ok: { status: 204, call: (c) => ({ method: 'POST', path: `/api/panels/${c.copy}/restore` }) },
    fails: {
      status: 409,
      code: 'NOT_TRASHED',
      call: (c) => ({ method: 'POST', path: `/api/panels/${c.copy}/restore` }),
    },
  },
  {
    route: 'GET /api/workspaces/:id/nog',
    ok: { status: 200, call: (c) => ({ method: 'GET', path: NOG(c) }) },
    fails: { status: 404, code: 'NOT_FOUND', call: () => ({ method: 'GET', path: '/api/workspaces/nope/nog' }) },
  },
  {
    route: 'POST /api/workspaces/:id/nog/entities',
    ok: {
      status: 201,
      call: async (c) => {
        for (const id of ['e2', 'e3']) {
          const body = { id, name: id, category: 'concept' }
          expect((await api(kernel, 'POST', `${NOG(c)}/entities`, body, c.owner)).status).toBe(201)
        }
        return { method: 'POST', path: `${NOG(c)}/entities`, body: { id: 'e1', name: 'One', category: 'concept' } }
      },
    },
    fails: {
      status: 400,
      code: 'BAD_REQUEST',
      call: (c) => ({ method: 'POST', path: `${NOG(c)}/entities`, body: { name: 'x', category: 'bogus' } }),
    },
  },
  {
    route: 'GET /api/workspaces/:id/nog/entities',
    ok: {
      status: 200,
      call: (c) => ({
        method: 'GET',
        path: `${NOG(c)}/entities?filter=${encodeURIComponent('{"category":{"eq":"concept"}}')}`,
      }),
    },
    fails: {
      status: 400,
      code: 'BAD_FILTER',
      call: (c) => ({ method: 'GET', path: `${NOG(c)}/entities?filter=${encodeURIComponent('{"colour":{"eq":1}}')}` }),
    },
  },
  {
    route: 'GET /api/workspaces/:id/nog/entities/:entityId',
    ok: { status: 200, call: (c) => ({ method: 'GET', path: `${NOG(c)}/entities/e1` }) },
    fails: { status: 404, code: 'NOT_FOUND', call: (c) => ({ method: 'GET', path: `${NOG(c)}/entities/zz` }) },
  },
  {
    route: 'PATCH /api/workspaces/:id/nog/entities/:entityId',
    ok: {
      status: 200,
      call: (c) => ({ method: 'PATCH', path: `${NOG(c)}/entities/e1`, body: { description: 'first' } }),
    },
    fails: {
      status: 400,
      code: 'BAD_REQUEST',
      call: (c) => ({ method: 'PATCH', path: `${NOG(c)}/entities/e1`, body: { colour: 1 } }),
    },
  },
  {
    route: 'POST /api/workspaces/:id/nog/relationships',
    ok: {
      status: 201,
      call: (c) => ({
        method: 'POST',
        path: `${NOG(c)}/relationships`,
        body: { id: 'r1', fromId: 'e1', toId: 'e2', type: 'uses' },
      }),
    },
    fails: {
      status: 404,
      code: 'NOT_FOUND',
      call: (c) => ({
        method: 'POST',
        path: `${NOG(c)}/relationships`,
        body: { fromId: 'e1', toId: 'zz', type: 'uses' },
      }),
    },
  },
  {
    route: 'GET /api/workspaces/:id/nog/relationships/:relId',
    ok: { status: 200, call: (c) => ({ method: 'GET', path: `${NOG(c)}/relationships/r1` }) },
    fails: { status: 404, code: 'NOT_FOUND', call: (c) => ({ method: 'GET', path: `${NOG(c)}/relationships/zz` }) },
  },
  {
    route: 'PATCH /api/workspaces/:id/nog/relationships/:relId',
    ok: {
      status: 200,
      call: (c) => ({ method: 'PATCH', path: `${NOG(c)}/relationships/r1`, body: { strength: 0.5 } }),
    },
    fails: {
      status: 400,
      code: 'BAD_REQUEST',
      call: (c) => ({ method: 'PATCH', path: `${NOG(c)}/relationships/r1`, body: { strength: 2 } }),
    },
  },
  {
    route: 'GET /api/workspaces/:id/nog/entities/:entityId/neighbours',
    ok: { status: 200, call: (c) => ({ method: 'GET', path: `${NOG(c)}/entities/e1/neighbours?types=uses` }) },
    fails: {
      status: 400,
      code: 'BAD_REQUEST',
      call: (c) => ({ method: 'GET', path: `${NOG(c)}/entities/e1/neighbours?depth=99` }),
    },
  },
  {
    route: 'GET /api/workspaces/:id/nog/path',
    ok: { status: 200, call: (c) => ({ method: 'GET', path: `${NOG(c)}/path?from=e1&to=e2` }) },
    fails: { status: 404, code: 'NO_PATH', call: (c) => ({ method: 'GET', path: `${NOG(c)}/path?from=e1&to=e3` }) },
  },
  {
    route: 'GET /api/workspaces/:id/nog/panels/:panelId',
    ok: { status: 200, call: (c) => ({ method: 'GET', path: `${NOG(c)}/panels/${c.panel}` }) },
    fails: {
      status: 401,
      code: 'UNAUTHENTICATED',
      call: (c) => ({ method: 'GET', path: `${NOG(c)}/panels/${c.panel}`, token: null }),
    },
  },
  {
    route: 'GET /api/workspaces/:id/nog/at',
    ok: { status: 200, call: (c) => ({ method: 'GET', path: `${NOG(c)}/at?t=${c.clock.now}` }) },
    fails: { status: 400, code: 'BAD_REQUEST', call: (c) => ({ method: 'GET', path: `${NOG(c)}/at` }) },
  },
  {
    route: 'GET /api/workspaces/:id/nog/graph',
    ok: { status: 200, call: (c) => ({ method: 'GET', path: `${NOG(c)}/graph?limit=2` }) },
    fails: { status: 400, code: 'BAD_REQUEST', call: (c) => ({ method: 'GET', path: `${NOG(c)}/graph?limit=0` }) },
  },
  {
    route: 'POST /api/workspaces/:id/nog/patches',
    ok: {
      status: 201,
      call: (c) => ({
        method: 'POST',
        path: `${NOG(c)}/patches`,
        body: { source: 'ai', ops: [{ op: 'create_entity', entity: { id: 'e4', name: 'Four', category: 'data' } }] },
      }),
      then: (b, c) => (c.patch = b.id),
    },
    fails: {
      status: 400,
      code: 'BAD_REQUEST',
      call: (c) => ({ method: 'POST', path: `${NOG(c)}/patches`, body: { ops: [] } }),
    },
  },
  {
    route: 'GET /api/workspaces/:id/nog/patches',
    ok: { status: 200, call: (c) => ({ method: 'GET', path: `${NOG(c)}/patches?status=pending` }) },
    fails: {
      status: 400,
      code: 'BAD_REQUEST',
      call: (c) => ({ method: 'GET', path: `${NOG(c)}/patches?status=lost` }),
    },
  },
  {
    route: 'GET /api/workspaces/:id/nog/patches/:patchId',
    ok: { status: 200, call: (c) => ({ method: 'GET', path: `${NOG(c)}/patches/${c.patch}` }) },
    fails: { status: 404, code: 'NOT_FOUND', call: (c) => ({ method: 'GET', path: `${NOG(c)}/patches/zz` }) },
  },
  {
    route: 'POST /api/workspaces/:id/nog/patches/:patchId/approve',
    ok: { status: 200, call: (c) => ({ method: 'POST', path: `${NOG(c)}/patches/${c.patch}/approve` }) },
    fails: {
      status: 409,
      code: 'PATCH_NOT_PENDING',
      call: (c) => ({ method: 'POST', path: `${NOG(c)}/patches/${c.patch}/approve` }),
    },
  },
  {
    route: 'POST /api/workspaces/:id/nog/patches/:patchId/reject',
    ok: {
      status: 200,
      call: async (c) => {
        const op = { op: 'delete_entity', id: 'e3' }
        const proposed = await api(kernel, 'POST', `${NOG(c)}/patches`, { source: 'ai', ops: [op] }, c.owner)
        c.patch = proposed.body.id
        return { method: 'POST', path: `${NOG(c)}/patches/${c.patch}/reject`, body: { reason: 'keep it' } }
      },
    },
    fails: {
      status: 409,
      code: 'PATCH_NOT_PENDING',
      call: (c) => ({ method: 'POST', path: `${NOG(c)}/patches/${c.patch}/reject`, body: {} }),
    },
  },
  {
    route: 'DELETE /api/workspaces/:id/nog/relationships/:relId',
    ok: { status: 200, call: (c) => ({ method: 'DELETE', path: `${NOG(c)}/relationships/r1` }) },
    fails: { status: 404, code: 'NOT_FOUND', call: (c) => ({ method: 'DELETE', path: `${NOG(c)}/relationships/r1` }) },
  },
  {
    route: 'DELETE /api/workspaces/:id/nog/entities/:entityId',
    ok: { status: 200, call: (c) => ({ method: 'DELETE', path: `${NOG(c)}/entities/e1` }) },
    fails: {
      status: 400,
      code: 'BAD_REQUEST',
      call: (c) => ({ method: 'DELETE', path: `${NOG(c)}/entities/e2?baseVersion=-1` }),
    },
  },
  {
    route: 'DELETE /api/workspaces/:id/members/:userId',
    ok: { status: 204, call: (c) => ({ method: 'DELETE', path: `${WS(c)}/members/${c.bob}` }) },
    fails: {
      status: 409,
      code: 'LAST_OWNER',
      call: async (c) => {
        const me = (await api(kernel, 'GET', '/api/me', undefined, c.owner)).body.user.id as string
        return { method: 'DELETE', path: `${WS(c)}/members/${me}` }
      },
    },
  },
  {
    route: 'POST /api/auth/logout-all',
    ok: { status: 204, call: (c) => ({ method: 'POST', path: '/api/auth/logout-all', token: c.bobToken }) },
    fails: {
      status: 401,
      code: 'UNAUTHENTICATED',
      call: () => ({ method: 'POST', path: '/api/auth/logout-all', token: null }),
    },
  },
  {
    route: 'POST /api/auth/logout',
    ok: {
      status: 204,
      call: (c) => ({ method: 'POST', path: '/api/auth/logout', body: { refreshToken: c.ownerRefresh }, token: null }),
    },
    fails: {
      status: 400,
      code: 'BAD_REQUEST',
      call: () => ({ method: 'POST', path: '/api/auth/logout', body: '{"refreshToken":', token: null }),
    },
  },
]

/** `METHOD /api/...` of every route the kernel's router serves, read from the Express app (no handler runs). */
function servedRoutes(): string[] {
  const inert: any = new Proxy(function () {}, {
    get: (_t, p) => (p === 'then' ? undefined : p === Symbol.toPrimitive ? () => 0 : inert),
    apply: () => inert,
    construct: () => inert,
  })
  const fixed: Record<string, unknown> = { studioDir: undefined }
  const options = new Proxy(fixed, { get: (t, p) => (typeof p === 'string' && p in t ? t[p] : inert) })
  const app = createApp(options as unknown as AppOptions)
  type Listed = { path: string | RegExp; methods?: string[]; router?: { listRoutes(): Listed[] } }
  const found = new Set<string>()
  const walk = (listed: Listed[], prefix: string) => {
    for (const { path, methods, router } of listed) {
      const full = (prefix + String(path)).replace(/\/+$/, '') || '/'
      if (router) walk(router.listRoutes(), full === '/' ? '' : full)
      for (const m of methods ?? []) if (full.startsWith('/api/')) found.add(`${m.toUpperCase()} ${full}`)
    }
  }
  walk((app as unknown as { router: { listRoutes(): Listed[] } }).router.listRoutes(), '')
  return [...found].filter((r) => !r.startsWith('HEAD ')).sort()
}

let kernel: RunningKernel
const dataDir = mkdtempSync(join(tmpdir(), 'nexus-contracts-'))
const ctx = { clock: { now: 1_700_000_000_000 } } as Ctx

async function send(call: Call) {
  return api(kernel, call.method, call.path, call.body, call.token === undefined ? ctx.owner : call.token)
}

describe('every /api route answers what its protocol schema says', () => {
  beforeAll(async () => {
    kernel = await startKernel({
      host: '127.0.0.1',
      port: 0,
      dataDir,
      trilogDir: mkdtempSync(join(tmpdir(), 'nexus-contracts-trilog-')),
      clock: () => ctx.clock.now,
    })
  })
  afterAll(async () => {
    await kernel?.close()
  })

  it('lists in API_ROUTES exactly the routes the kernel serves, and every one has its cases here', () => {
    expect(servedRoutes()).toEqual(Object.keys(API_ROUTES).sort())
    expect(CASES.map((c) => c.route).sort()).toEqual(Object.keys(API_ROUTES).sort())
    expect(CASES.filter((c) => c.fails === null).map((c) => c.route)).toEqual(['GET /api/auth/status'])
  })

  for (const { route, ok, fails } of CASES) {
    it(`${route}: success and a typical failure`, async () => {
      const { status, body } = await send(await ok.call(ctx))
      expect({ route, status, body }).toMatchObject({ route, status: ok.status })
      const answer = API_ROUTES[route]
      if (answer === 'empty') expect(body).toBeNull()
      else if (answer === 'html') expect(body).toMatch(/^<section class="nx-panel" data-nx="Panel"/)
      else {
        const parsed = answer.safeParse(body)
        expect(parsed.success ? 'parses' : parsed.error.issues).toBe('parses')
      }
      ok.then?.(body, ctx)
      if (!fails) return
      const failed = await send(await fails.call(ctx))
      const error = ErrorResponseSchema.safeParse(failed.body)
      expect(error.success ? 'parses' : error.error.issues).toBe('parses')
      expect({ status: failed.status, code: failed.body.error.code }).toEqual({
        status: fails.status,
        code: fails.code,
      })
      expect(isErrorCode(failed.body.error.code)).toBe(true)
    })
  }

  // The hole in http/historyRoutes.ts: `panels.get(...).catch(() => undefined)` made a database failure a 404.
  it('a panel load that fails in the database answers 500 INTERNAL, logged and counted, not 404', async () => {
    const db = new Database(join(dataDir, 'nexus.db'))
    db.exec('ALTER TABLE panels RENAME TO panels_away')
    try {
      for (const path of ['/api/panels/uncached/timeline', '/api/panels/uncached']) {
        const { status, body } = await send({ method: 'GET', path })
        expect({ path, status, code: body.error?.code }).toEqual({ path, status: 500, code: 'INTERNAL' })
      }
      const metrics = await (await fetch(`${kernel.url}/metrics`)).text()
      expect(metrics).toContain('nexus_http_failures_total{route="GET /api/panels/:id/timeline"} 1')
      expect(metrics).toContain('nexus_http_failures_total{route="GET /api/panels/:id"} 1')
    } finally {
      db.exec('ALTER TABLE panels_away RENAME TO panels')
      db.close()
    }
    expect((await send({ method: 'GET', path: '/api/panels/uncached' })).status).toBe(404)
  })
})
