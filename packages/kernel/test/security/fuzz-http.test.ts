import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import {
  AddMemberRequestSchema,
  CreateApiKeyRequestSchema,
  CreatePanelRequestSchema,
  CreateWorkspaceRequestSchema,
  DuplicatePanelRequestSchema,
  LoginRequestSchema,
  RegisterRequestSchema,
  SetRoleRequestSchema,
  SetupRequestSchema,
  TriggerRequestSchema,
  UpdateNxmlRequestSchema,
  UpdatePanelRequestSchema,
  ValidateRequestSchema,
} from '@nexus/protocol'
import { createApp, type AppOptions } from '../../src/http/createApp.ts'
import {
  CreateEntitySchema,
  CreatePatchSchema,
  CreateRelationshipSchema,
  RejectPatchSchema,
  UpdateEntitySchema,
  UpdateRelationshipSchema,
} from '../../src/nog/types.ts'
import { COUNTER, OWNER } from '../helpers.ts'
import {
  FUZZ_SCALE,
  FUZZ_SEED,
  MEMORY_GROWTH_BOUND,
  alive,
  answersHealthz,
  canaryState,
  memoryOf,
  request,
  startFuzzTarget,
  stopKernel,
  waitRetryAfter,
  type Area,
  type FuzzTarget,
  type HttpAnswer,
  type Identity,
} from './fuzzTarget.ts'

/**
 * Every HTTP route the kernel serves, fuzzed from three identities against a kernel in its own process:
 * anonymous (no credential, or a forged one), an outsider with a valid key who is not a member of the
 * canary workspace, and the owner. Asserts: never a 5xx; anonymous callers and the outsider get 4xx on every
 * route that names an object, and never see the canary; malformed bodies and unknown ids get 4xx; the
 * owner's well-formed requests on their own objects get 2xx; and at the end the process is alive, answers
 * /healthz, grew a bounded amount, and the canary is unchanged.
 */

interface Route {
  method: string
  /** Express path, e.g. `/api/panels/:id/trigger`. */
  path: string
}
const keyOf = (r: Route) => `${r.method} ${r.path}`

/**
 * The routes, read from the Express app's router stack, so a route added later is fuzzed without anyone
 * listing it. The app is composed with inert dependencies: only its routing table is read, no handler runs.
 */
function appRoutes(): Route[] {
  const inert: any = new Proxy(function () {}, {
    get: (_t, p) => (p === 'then' ? undefined : p === Symbol.toPrimitive ? () => 0 : inert),
    apply: () => inert,
    construct: () => inert,
  })
  const studio = fileURLToPath(new URL('../../../../apps/studio/dist', import.meta.url))
  const fixed: Record<string, unknown> = { studioDir: existsSync(studio) ? studio : undefined }
  const options = new Proxy(fixed, { get: (t, p) => (typeof p === 'string' && p in t ? t[p] : inert) })
  const app = createApp(options as unknown as AppOptions)
  const routes: Route[] = []
  type Listed = { path: string | RegExp; methods?: string[]; router?: { listRoutes(): Listed[] } }
  const walk = (listed: Listed[], prefix: string) => {
    for (const { path, methods, router } of listed) {
      const full = (prefix + String(path)).replace(/\/+$/, '') || '/'
      if (router) walk(router.listRoutes(), full === '/' ? '' : full)
      for (const m of methods ?? []) {
        const method = m.toUpperCase()
        if (method === 'HEAD' || method === 'OPTIONS') continue
        for (const each of method === '*' || method === '_ALL' ? ['GET', 'POST'] : [method])
          routes.push({ method: each, path: full })
      }
    }
  }
  walk((app as unknown as { router: { listRoutes(): Listed[] } }).router.listRoutes(), '')
  const unique = new Map(routes.map((r) => [keyOf(r), r]))
  // Reads first, then writes, then deletes, and the session enders last, so one case does not hide the rest.
  const rank = (r: Route) =>
    (/logout/.test(r.path) ? 10 : 0) + ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].indexOf(r.method)
  return [...unique.values()].sort((a, b) => rank(a) - rank(b))
}

/** Routes anyone may call; every other route must refuse an anonymous caller. */
const PUBLIC = new Set([
  'GET /',
  'GET /{*rest}',
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
  'GET /api/auth/status',
  'POST /api/auth/setup',
  'POST /api/auth/register',
  'POST /api/auth/login',
  'POST /api/auth/refresh',
  'POST /api/auth/logout',
])

/** Bodies with a schema: a body that fails it must get a 4xx, whoever sends it. */
const BODY_SCHEMAS: Record<string, z.ZodType> = {
  'POST /api/auth/setup': SetupRequestSchema,
  'POST /api/auth/register': RegisterRequestSchema,
  'POST /api/auth/login': LoginRequestSchema,
  'POST /api/keys': CreateApiKeyRequestSchema,
  'POST /api/workspaces': CreateWorkspaceRequestSchema,
  'POST /api/workspaces/:id/members': AddMemberRequestSchema,
  'PATCH /api/workspaces/:id/members/:userId': SetRoleRequestSchema,
  'POST /api/nxml/validate': ValidateRequestSchema,
  'POST /api/panels': CreatePanelRequestSchema,
  'PUT /api/panels/:id/nxml': UpdateNxmlRequestSchema,
  'PATCH /api/panels/:id': UpdatePanelRequestSchema,
  'POST /api/panels/:id/duplicate': DuplicatePanelRequestSchema,
  'POST /api/panels/:id/trigger': TriggerRequestSchema,
  'POST /api/workspaces/:id/nog/entities': CreateEntitySchema,
  'PATCH /api/workspaces/:id/nog/entities/:entityId': UpdateEntitySchema,
  'POST /api/workspaces/:id/nog/relationships': CreateRelationshipSchema,
  'PATCH /api/workspaces/:id/nog/relationships/:relId': UpdateRelationshipSchema,
  'POST /api/workspaces/:id/nog/patches': CreatePatchSchema,
  'POST /api/workspaces/:id/nog/patches/:patchId/reject': RejectPatchSchema,
}

interface WellFormed {
  body?: unknown
  query?: string
  /** The owner's request on their scratch area must succeed (2xx). */
  ownerSucceeds?: boolean
  /** Names the canary although the path does not: anonymous callers and the outsider must get a 4xx. */
  namesTarget?: boolean
}

/** OTLP/HTTP JSON bodies anchored to a panel, the shape `POST /v1/*` takes from exporters. */
function otlp(signal: 'traces' | 'logs' | 'metrics', panelId: string, kind: string): unknown {
  const now = String(Date.now() * 1_000_000)
  const str = (key: string, value: string) => ({ key, value: { stringValue: value } })
  const anchor = [str('trilog.obj_type', 'Panel'), str('trilog.obj_id', panelId), str('trilog.kind', kind)]
  const resource = { attributes: [str('service.name', 'fuzz')] }
  if (signal === 'logs')
    return {
      resourceLogs: [
        {
          resource,
          scopeLogs: [{ logRecords: [{ timeUnixNano: now, body: { stringValue: '{}' }, attributes: anchor }] }],
        },
      ],
    }
  if (signal === 'traces')
    return {
      resourceSpans: [
        {
          resource,
          scopeSpans: [
            {
              spans: [
                {
                  traceId: 'a'.repeat(32),
                  spanId: 'b'.repeat(16),
                  name: 'PanelExecution',
                  kind: 1,
                  startTimeUnixNano: now,
                  endTimeUnixNano: now,
                  attributes: anchor,
                },
              ],
            },
          ],
        },
      ],
    }
  return {
    resourceMetrics: [
      {
        resource,
        scopeMetrics: [
          {
            metrics: [
              { name: 'fuzz', gauge: { dataPoints: [{ asDouble: 1, timeUnixNano: now, attributes: anchor }] } },
            ],
          },
        ],
      },
    ],
  }
}

/** A request the route accepts from someone allowed to make it, aimed at `area`'s objects. */
function wellFormed(route: Route, area: Area, t: FuzzTarget, serial: number): WellFormed {
  const now = Date.now()
  const isCanary = area === t.canary
  const table: Record<string, WellFormed> = {
    'GET /api/panels': { query: `workspaceId=${area.workspaceId}`, ownerSucceeds: true, namesTarget: true },
    'GET /api/panels/:id/state': { query: `at=${now}`, ownerSucceeds: true },
    'GET /api/panels/:id/timeline': { query: 'limit=10', ownerSucceeds: true },
    'GET /api/panels/:id/diff': { query: `from=0&to=${now}`, ownerSucceeds: true },
    'GET /api/panels/:id/who-changed': { query: `path=/count&from=0&to=${now}`, ownerSucceeds: true },
    'GET /api/panels/:id/cause': { query: `at=${now}`, ownerSucceeds: true },
    'GET /api/panels/:id/anomalies': { query: `to=${now}`, ownerSucceeds: true },
    'GET /api/workspaces/:id/nog/entities': { query: 'category=concept&limit=5', ownerSucceeds: true },
    'GET /api/workspaces/:id/nog/entities/:entityId/neighbours': { query: 'depth=2', ownerSucceeds: true },
    'GET /api/workspaces/:id/nog/path': {
      query: `from=${area.entityId}&to=${area.otherEntityId}`,
      ownerSucceeds: true,
    },
    'GET /api/workspaces/:id/nog/patches': { query: 'status=pending', ownerSucceeds: true },
    'GET /api/workspaces/:id/nog/at': { query: `t=${now}`, ownerSucceeds: true },
    'POST /api/auth/setup': { body: OWNER },
    'POST /api/auth/register': {
      body: { email: `fuzz.${serial}@example.com`, password: 'a long fuzzing passphrase 42!', name: 'Fuzz' },
    },
    'POST /api/auth/login': { body: { email: 'nobody.fuzz@example.com', password: 'not the password' } },
    'POST /api/auth/refresh': { body: { refreshToken: 'not-a-refresh-token' } },
    'POST /api/auth/logout': { body: {} },
    'POST /api/keys': { body: { name: 'fuzzed key' }, ownerSucceeds: true },
    'POST /api/workspaces': { body: { name: 'fuzzed workspace' }, ownerSucceeds: true },
    // Bob adding himself to the canary; the owner adding Carol to scratch (so Bob's workspaces stay as they were).
    'POST /api/workspaces/:id/members': {
      body: { email: isCanary ? 'bob.fuzz@example.com' : 'carol.fuzz@example.com', role: 'owner' },
      ownerSucceeds: true,
    },
    'PATCH /api/workspaces/:id/members/:userId': { body: { role: 'owner' }, ownerSucceeds: true },
    'POST /api/nxml/validate': { body: { nxml: COUNTER }, ownerSucceeds: true },
    'POST /api/panels': {
      body: { nxml: COUNTER, workspaceId: area.workspaceId },
      ownerSucceeds: true,
      namesTarget: true,
    },
    'PUT /api/panels/:id/nxml': { body: { nxml: COUNTER }, ownerSucceeds: true },
    'PATCH /api/panels/:id': { body: { title: 'Renamed', layout: { x: 0, y: 0, w: 4, h: 4 } }, ownerSucceeds: true },
    'POST /api/panels/:id/duplicate': { body: { workspaceId: area.workspaceId }, ownerSucceeds: true },
    'POST /api/panels/:id/trigger': { body: { tool: 'increment', args: { step: 2 } }, ownerSucceeds: true },
    'POST /api/panels/:id/changes/:version/replay': { ownerSucceeds: true },
    'POST /api/workspaces/:id/nog/entities': { body: { name: 'Fuzzed', category: 'concept' }, ownerSucceeds: true },
    'PATCH /api/workspaces/:id/nog/entities/:entityId': { body: { description: 'changed' }, ownerSucceeds: true },
    'POST /api/workspaces/:id/nog/relationships': {
      body: { fromId: area.otherEntityId, toId: area.entityId, type: 'depends_on' },
      ownerSucceeds: true,
    },
    'PATCH /api/workspaces/:id/nog/relationships/:relId': { body: { strength: 0.5 }, ownerSucceeds: true },
    'POST /api/workspaces/:id/nog/patches': {
      body: { ops: [{ op: 'create_entity', entity: { name: 'Patched', category: 'concept' } }] },
      ownerSucceeds: true,
    },
    'POST /api/workspaces/:id/nog/patches/:patchId/approve': { ownerSucceeds: true },
    'POST /api/workspaces/:id/nog/patches/:patchId/reject': { body: { reason: 'no' } },
    'POST /v1/logs': { body: otlp('logs', area.panelId, isCanary ? 'state_change' : 'fuzz_note'), namesTarget: true },
    'POST /v1/traces': { body: otlp('traces', area.panelId, 'fuzz_note'), namesTarget: true },
    // Metric points are not anchored to objects: nothing to forge, so any logged-in caller may send them.
    'POST /v1/metrics': { body: otlp('metrics', area.panelId, 'fuzz_note') },
  }
  const known = table[keyOf(route)]
  if (known) return known
  // A route nobody described yet: reads are expected to work for the owner, and it is fuzzed like the rest.
  return { ownerSucceeds: route.method === 'GET' && !route.path.includes('*') }
}

/** The real value of each path parameter in `area`. */
function realParam(name: string, route: Route, area: Area, t: FuzzTarget): string {
  const byName: Record<string, string> = {
    id: route.path.startsWith('/api/workspaces')
      ? area.workspaceId
      : route.path.startsWith('/api/keys')
        ? area.apiKeyId
        : area.panelId,
    userId: t.carol.userId,
    panelId: area.panelId,
    entityId: area.entityId,
    relId: area.relationshipId,
    patchId: area.patchId,
    version: '1',
    traceId: area.traceId,
    rest: 'some/studio/page',
  }
  return byName[name] ?? area.workspaceId
}

const PARAM = /:(\w+)|\{\*(\w+)\}|\*(\w+)/g
const materialise = (route: Route, value: (name: string) => string) =>
  route.path.replace(PARAM, (_m, a?: string, b?: string, c?: string) => value((a ?? b ?? c)!))
/** Names an object in its path (the studio fallback names none). */
const targeted = (route: Route) => /[:*]/.test(route.path) && !PUBLIC.has(keyOf(route))

// --- fuzzed inputs -------------------------------------------------------------------------------------------

const deep = (depth: number, open: string, leaf: string, close: string) =>
  open.repeat(depth) + leaf + close.repeat(depth)

/** Raw JSON value texts that hurt parsers: deep nesting, huge and junk strings, odd numbers, prototype keys. */
const hostileValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom(64, 1_000, 10_000, 100_000),
        fc.constantFrom(['[', '0', ']'], ['{"a":', '1', '}'], ['[{"a":', 'null', '}]']),
      )
      .map(([d, [o, l, c]]) => deep(d, o!, l!, c!)),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(10_000, 100_000, 400_000), fc.constantFrom('x', 'é', '💥', '\u202e', '\u0000', '<x>'))
      .map(([n, unit]) => JSON.stringify(unit.repeat(Math.floor(n / unit.length)))),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(1_000, 20_000).map((n) => JSON.stringify('<x>'.repeat(n) + '</x>'.repeat(n))),
  },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 64 }).map((s) => JSON.stringify(s)) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '1e309',
      '-0',
      '9007199254740993',
      '1e-400',
      '-1',
      'true',
      'null',
      '""',
      '{"__proto__":{"polluted":true,"role":"owner"},"constructor":{"prototype":{"polluted":true}}}',
      '{"toString":1,"valueOf":{},"hasOwnProperty":null}',
      '["__proto__","constructor","prototype"]',
    ),
  },
)

/** A JSON object text with `key` set to raw `value` text (built as text so depth costs the fuzzer nothing). */
function withField(base: unknown, key: string, value: string): string {
  const object = base !== null && typeof base === 'object' && !Array.isArray(base) ? base : {}
  const text = JSON.stringify(object)
  return `${text.slice(0, -1)}${text.length > 2 ? ',' : ''}${JSON.stringify(key)}:${value}}`
}

interface Body {
  text: string | Uint8Array
  contentType?: string
  kind: string
}

function bodyArbitrary(base: unknown): fc.Arbitrary<Body> {
  const keys = base !== null && typeof base === 'object' ? Object.keys(base) : []
  const key = fc.oneof(
    ...(keys.length ? [{ weight: 4, arbitrary: fc.constantFrom(...keys) }] : []),
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'workspaceId', 'args', '') },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  )
  const json = 'application/json'
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .tuple(key, hostileValue)
        .map(([k, v]) => ({ text: withField(base, k, v), contentType: json, kind: `field ${k}` })),
    },
    { weight: 2, arbitrary: hostileValue.map((v) => ({ text: v, contentType: json, kind: 'whole body' })) },
    {
      weight: 1,
      arbitrary: fc.json({ maxDepth: 4 }).map((text) => ({ text, contentType: json, kind: 'random json' })),
    },
    {
      weight: 1,
      arbitrary: fc
        .string({ unit: 'binary', maxLength: 300 })
        .map((text) => ({ text, contentType: json, kind: 'junk text' })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.uint8Array({ maxLength: 600 }),
          fc.constantFrom(
            'application/x-protobuf',
            'application/msgpack',
            'application/json',
            'application/json; charset=utf-16',
          ),
        )
        .map(([bytes, contentType]) => ({ text: bytes, contentType, kind: `bytes as ${contentType}` })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined)
        .map((contentType) => ({ text: JSON.stringify(base ?? {}), contentType, kind: `as ${contentType}` })),
    },
    {
      weight: 1,
      arbitrary: fc.constant({
        text: `{"pad":"${'y'.repeat(1_100_000)}"}`,
        contentType: json,
        kind: 'over the size limit',
      }),
    },
  )
}

/** Path parameter values that are not ids: traversal, encodings, junk, other tenants' shapes. */
const junkParam: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).map(encodeURIComponent),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).map((s) => encodeURIComponent(s).replace(/%2F/g, '%2f')),
  fc.constantFrom(
    '..',
    '%2e%2e%2f%2e%2e',
    '%00',
    '%',
    '%E0%A4%A',
    '%uD800',
    'null',
    'undefined',
    '__proto__',
    'constructor',
    'hasOwnProperty',
    '0',
    '-1',
    '1e309',
    'NaN',
    '%20',
    'a'.repeat(3000),
    "x'%20OR%20'1'='1",
    'panel%3Aabc',
  ),
)

const QUERY_KEYS = [
  'at',
  'from',
  'to',
  'offset',
  'limit',
  'last',
  'path',
  'filter',
  'depth',
  'types',
  'status',
  'workspaceId',
  'trashed',
  'baseVersion',
  'recentFrom',
  'category',
  'tag',
  'q',
  '__proto__',
  'constructor[prototype][x]',
  'a[b][c]',
]
const queryValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('-1', '1e309', 'NaN', '9007199254740993', '0x10', '', ' ', 'true', '[]', '{}', '/count/../..', '*'),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  // Deep, yet short enough to pass Node's 16 KB header limit and reach the routes.
  fc.constantFrom(500, 2_000).map((d) => deep(d, '[', '0', ']')),
  fc.constantFrom(100, 300).map((d) => deep(d, '{"$and":[', '{"category":{"eq":"concept"}}', ']}')),
)
const queryArbitrary: fc.Arbitrary<string> = fc
  .array(fc.tuple(fc.constantFrom(...QUERY_KEYS), queryValue), { minLength: 1, maxLength: 5 })
  .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'))

// --- the run ---------------------------------------------------------------------------------------------------

const BODIES_PER_ROUTE = 10 * FUZZ_SCALE
const PARAMS_PER_ROUTE = 3 * FUZZ_SCALE
const QUERIES_PER_ROUTE = 3 * FUZZ_SCALE

/**
 * The bodies every route with a body gets, whatever the seed: each field of its well-formed body (and
 * `args`) nested 10,000 deep as arrays and as objects, prototype keys, and NXML nested 20,000 deep.
 */
function hostileCorpus(base: unknown): Body[] {
  const keys = [...new Set([...(base !== null && typeof base === 'object' ? Object.keys(base) : []), 'args'])]
  const json = 'application/json'
  return [
    ...keys.flatMap((k) => [
      { text: withField(base, k, deep(10_000, '[', '0', ']')), contentType: json, kind: `${k} 10,000 arrays deep` },
      {
        text: withField(base, k, deep(10_000, '{"a":', '1', '}')),
        contentType: json,
        kind: `${k} 10,000 objects deep`,
      },
    ]),
    ...keys
      .filter((k) => typeof (base as Record<string, unknown> | undefined)?.[k] === 'string')
      .map((k) => ({
        text: withField(base, k, JSON.stringify('<x>'.repeat(20_000) + '</x>'.repeat(20_000))),
        contentType: json,
        kind: `${k} NXML 20,000 deep`,
      })),
    {
      text: withField(base, '__proto__', '{"polluted":true,"role":"owner","workspaceId":"x"}'),
      contentType: json,
      kind: 'prototype keys',
    },
  ]
}

interface Case {
  identity: Identity
  route: Route
  kind: string
  path: string
  body?: Body
  /** The case's parameters are junk: the route must answer 4xx. */
  junkIds?: boolean
  /** The body fails the route's schema: the route must answer 4xx. */
  malformed?: boolean
  /** The owner on their scratch area with a well-formed request: the route must answer 2xx. */
  mustSucceed?: boolean
  /** Aims at the canary: anonymous callers and the outsider must get 4xx. */
  aimsAtCanary?: boolean
  headers?: Record<string, string>
  credential?: string
}

function parsesAs(route: Route, body: Body | undefined): boolean | undefined {
  const schema = BODY_SCHEMAS[keyOf(route)]
  if (!schema || !body) return undefined
  if (typeof body.text !== 'string' || body.contentType !== 'application/json') return false
  try {
    return schema.safeParse(JSON.parse(body.text)).success
  } catch {
    return false
  }
}

/** No fuzzed request may be amplified past this: answers are bounded like requests are. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024

/** What is wrong with `answer` to `c`, or undefined. */
function judge(c: Case, answer: HttpAnswer, t: FuzzTarget): string | undefined {
  const { status } = answer
  const refused = status >= 400 && status < 500
  const stranger = c.identity.name !== 'owner'
  if (status >= 500) return `server error ${status}`
  if (status < 200 || (status >= 300 && status < 400 && !PUBLIC.has(keyOf(c.route))))
    return `unexpected status ${status}`
  if (stranger && answer.text.includes(t.marker)) return 'answer contains the canary'
  if (answer.text.length > MAX_ANSWER_BYTES)
    return `an answer of ${answer.text.length} bytes to a request of at most 1 MB`
  // 431 is Node's own answer to headers over its limit, before the app sees the request.
  if (
    c.route.path.startsWith('/api') &&
    status >= 400 &&
    status !== 431 &&
    typeof answer.json?.error?.code !== 'string'
  )
    return 'a refusal without an {error:{code,message}} body'
  if (c.identity.name === 'anonymous' && !PUBLIC.has(keyOf(c.route)) && !refused) return `anonymous got ${status}`
  if (stranger && c.aimsAtCanary && !refused) return `${c.identity.name} reached the canary with ${status}`
  if (c.junkIds && !refused) return `junk ids answered ${status}`
  if (c.malformed && !refused) return `a malformed body answered ${status}`
  if (c.mustSucceed && (status < 200 || status >= 300)) return `the owner's well-formed request answered ${status}`
  return undefined
}

describe('every HTTP route, fuzzed, against a spawned kernel', () => {
  let t: FuzzTarget
  let before: unknown
  let memoryBefore: { rss: number; peak: number }
  const routes = appRoutes()
  let violations: string[] = []
  let serial = 0
  let answered = 0
  let limited = 0

  beforeAll(async () => {
    t = await startFuzzTarget()
    before = await canaryState(t)
    memoryBefore = memoryOf(t.child.pid!)
  }, 120_000)
  afterAll(async () => {
    if (t) await stopKernel(t.child)
  })

  /** Sends one case and judges its answer; false when no answer came at all. */
  async function run(c: Case): Promise<boolean> {
    const options = {
      credential: c.credential ?? c.identity.key,
      headers: c.headers,
      ...(c.body ? { body: c.body.text, contentType: c.body.contentType } : {}),
    }
    let answer: HttpAnswer
    for (let attempt = 0; ; attempt++) {
      try {
        answer = await request(t.url, c.route.method, c.path, options)
      } catch (error) {
        violations.push(`${describeCase(c)} → no answer (${(error as Error).message})`)
        return false
      }
      // A positive control is retried past the rate limit; for everything else 429 is a fine refusal.
      if (answer.status === 429 && c.mustSucceed && attempt < 10) {
        await waitRetryAfter(answer)
        continue
      }
      break
    }
    answered++
    if (answer.status === 429) limited++
    const problem = judge(c, answer, t)
    if (problem) violations.push(`${describeCase(c)} → ${problem}: ${answer.text.slice(0, 300)}`)
    return true
  }

  /** Runs the cases and returns what went wrong, with the kernel's own error lines for any 5xx. */
  async function runAll(cases: Iterable<Case>): Promise<string[]> {
    violations = []
    const logFrom = t.log.length
    for (const c of cases) {
      // A kernel that stopped answering fails every later case the same way: stop, and say why it died.
      if (!(await run(c)) && !(await answersHealthz(t.url)))
        return [...violations, 'the kernel stopped answering; it said:', ...t.log.slice(-20)]
    }
    const errors = t.log.slice(logFrom).filter((line) => /error|\[http\]|\[sync\]/i.test(line))
    return violations.length ? [...violations, ...new Set(errors.map((l) => `kernel: ${l.slice(0, 300)}`))] : []
  }

  function describeCase(c: Case): string {
    const body = c.body
      ? ` body[${c.body.kind}]=${String(typeof c.body.text === 'string' ? c.body.text : '<bytes>').slice(0, 120)}`
      : ''
    return `${c.identity.name} ${c.route.method} ${c.path.slice(0, 200)} (${keyOf(c.route)}, ${c.kind})${body}`
  }

  /** The cases for one identity aimed at one area, well-formed first, in a seeded order. */
  function casesFor(identity: Identity, area: Area, route: Route, seed: number): Case[] {
    const good = wellFormed(route, area, t, serial++)
    const path = materialise(route, (name) => encodeURIComponent(realParam(name, route, area, t)))
    const query = good.query ? `?${good.query}` : ''
    const isOwner = identity.name === 'owner'
    // Fuzzed bodies and queries no longer name the canary; only the path does.
    const pathAims = area === t.canary && targeted(route)
    const aimsAtCanary = pathAims || (area === t.canary && good.namesTarget === true)
    const hasBody = route.method !== 'GET' && route.method !== 'HEAD'
    const goodBody: Body | undefined =
      good.body === undefined
        ? undefined
        : { text: JSON.stringify(good.body), contentType: 'application/json', kind: 'well-formed' }
    const cases: Case[] = [
      {
        identity,
        route,
        kind: 'well-formed',
        path: path + query,
        body: goodBody,
        aimsAtCanary,
        mustSucceed: isOwner && good.ownerSucceeds === true,
      },
    ]
    if (!isOwner) {
      // The same request with each forged credential, or a junk cookie, must get nothing more.
      const forged = [...t.forgedCredentials, 'junk']
      const credential = forged[seed % forged.length]!
      cases.push({
        identity: { name: 'anonymous' },
        route,
        kind: credential === 'junk' ? 'malformed cookie' : `forged credential ${seed % forged.length}`,
        path: path + query,
        body: goodBody,
        aimsAtCanary,
        ...(credential === 'junk' ? { headers: { cookie: 'nx_access=junk%ZZ; nx_refresh=junk' } } : { credential }),
      })
    }
    if (hasBody) {
      const fuzzed = fc.sample(bodyArbitrary(good.body), { numRuns: BODIES_PER_ROUTE, seed })
      for (const body of [...hostileCorpus(good.body), ...fuzzed]) {
        const parses = parsesAs(route, body)
        cases.push({
          identity,
          route,
          kind: 'fuzzed body',
          path: path + query,
          body,
          aimsAtCanary: pathAims,
          malformed: parses === false,
        })
      }
    }
    if (targeted(route)) {
      for (const junk of fc.sample(fc.array(junkParam, { minLength: 3, maxLength: 3 }), {
        numRuns: PARAMS_PER_ROUTE,
        seed,
      })) {
        let i = 0
        const junkPath = materialise(route, (name) => (name === 'rest' ? junk[0]! : junk[i++ % 3]!))
        cases.push({
          identity,
          route,
          kind: 'junk ids',
          path: junkPath + query,
          body: goodBody,
          junkIds: !route.path.includes('*'),
        })
      }
    }
    for (const q of fc.sample(queryArbitrary, { numRuns: QUERIES_PER_ROUTE, seed })) {
      cases.push({
        identity,
        route,
        kind: 'fuzzed query',
        path: `${path}?${q}`,
        body: goodBody,
        aimsAtCanary: pathAims,
      })
    }
    return cases
  }

  it('reads every route from the app, and the running kernel serves each one', async () => {
    expect(routes.length).toBeGreaterThan(50)
    for (const expected of [
      'POST /v1/logs',
      'GET /healthz',
      'GET /readyz',
      'GET /metrics',
      'POST /api/panels/:id/trigger',
    ])
      expect(routes.map(keyOf)).toContain(expected)
    // Anonymous, with ids that exist nowhere: nothing changes, and a served route never falls through to
    // the "No route for" answer.
    const missing: string[] = []
    for (const route of routes) {
      const path = materialise(route, () => 'no-such-id')
      let answer = await request(t.url, route.method, path)
      for (let i = 0; answer.status === 429 && i < 10; i++) {
        await waitRetryAfter(answer)
        answer = await request(t.url, route.method, path)
      }
      if (answer.json?.error?.code === 'NOT_FOUND' && String(answer.json.error.message).startsWith('No route for'))
        missing.push(keyOf(route))
    }
    expect(missing).toEqual([])
  }, 120_000)

  for (const who of ['anonymous', 'outsider'] as const) {
    it(`refuses the ${who} everything about the canary, on every route`, async () => {
      const cases = routes.flatMap((route, i) => casesFor(t[who], t.canary, route, FUZZ_SEED + i))
      expect(await runAll(cases), `seed ${FUZZ_SEED}`).toEqual([])
    }, 600_000)
  }

  it("answers the owner's well-formed requests with 2xx and malformed ones with 4xx, never 5xx", async () => {
    const cases = routes.flatMap((route, i) => casesFor(t.owner, t.scratch, route, FUZZ_SEED + 1000 + i))
    expect(await runAll(cases), `seed ${FUZZ_SEED}`).toEqual([])
  }, 600_000)

  it('leaves the kernel alive, bounded in memory, and the canary unchanged', async () => {
    expect(alive(t.child), t.log.slice(-30).join('\n')).toBe(true)
    expect((await request(t.url, 'GET', '/healthz')).status).toBe(200)
    const memoryAfter = memoryOf(t.child.pid!)
    expect(memoryAfter.rss - memoryBefore.rss).toBeLessThan(MEMORY_GROWTH_BOUND)
    expect(memoryAfter.peak - memoryBefore.peak).toBeLessThan(MEMORY_GROWTH_BOUND)
    expect(await canaryState(t)).toEqual(before)
    // The run was a real one: most requests got past the rate limit to the routes themselves.
    expect(answered).toBeGreaterThan(routes.length * 3 * 8)
    expect(limited).toBeLessThan(answered / 2)
    console.info(
      `[fuzz-http] ${answered} requests, ${limited} answered 429, rss +${((memoryAfter.rss - memoryBefore.rss) / 1e6).toFixed(1)} MB`,
    )
  }, 120_000)
})
