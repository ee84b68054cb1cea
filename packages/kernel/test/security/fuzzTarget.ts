import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SignJWT } from 'jose'
import { COUNTER, OWNER } from '../helpers.ts'
import { freePort, spawnKernel, stopKernel } from '../process.ts'

/**
 * The fixture both fuzz suites attack: a kernel in its own process (so "the process never exits" is
 * observable), three accounts and two areas. The canary area belongs to the owner, with Carol as a viewer;
 * anonymous callers and the outsider Bob aim at it with its real ids and must change nothing. The scratch
 * area is the owner's own, where the owner's well-formed requests must succeed and may change things.
 */

/** Multiplies the number of fuzzed cases (`NEXUS_FUZZ_SCALE=10 npx vitest run packages/kernel/test/security/fuzz-*`). */
export const FUZZ_SCALE = Math.max(1, Number(process.env.NEXUS_FUZZ_SCALE ?? 1))
/** fast-check seed; fixed so CI runs the same cases, overridden to explore (`NEXUS_FUZZ_SEED=…`). */
export const FUZZ_SEED = Number(process.env.NEXUS_FUZZ_SEED ?? 20261204)

export interface Identity {
  name: 'anonymous' | 'outsider' | 'owner'
  /** Bearer credential; undefined for anonymous. */
  key?: string
  userId?: string
}

/** The ids of one workspace's objects, used as real path parameters. */
export interface Area {
  workspaceId: string
  panelId: string
  entityId: string
  otherEntityId: string
  relationshipId: string
  /** A pending (reviewable) graph patch. */
  patchId: string
  /** The trace of the area's first trigger. */
  traceId: string
  apiKeyId: string
}

export interface FuzzTarget {
  url: string
  child: ChildProcess
  owner: Required<Identity>
  outsider: Required<Identity>
  anonymous: Identity
  /** A viewer of the canary workspace; only its membership is watched. */
  carol: Required<Identity>
  /** An owner key used for the checks only, never by the fuzzer. */
  auditorKey: string
  canary: Area
  scratch: Area
  /** Appears in the canary's names; no answer to anonymous or the outsider may contain it. */
  marker: string
  /** Credentials that look real and are not: forged JWTs, a real key id with a wrong secret, junk. */
  forgedCredentials: string[]
  /** Key ids whose revocation status must not change: the owner's fuzzing key and the auditor's. */
  watchedKeyIds: string[]
  /** What the kernel printed since it started (its errors explain a 5xx). */
  log: string[]
}

export interface HttpAnswer {
  status: number
  text: string
  json?: Record<string, any>
  headers: Headers
}

/** One HTTP request; never throws for an HTTP status (a network error means the kernel is gone). */
export async function request(
  url: string,
  method: string,
  path: string,
  options: {
    credential?: string
    body?: string | Uint8Array
    contentType?: string
    headers?: Record<string, string>
  } = {},
): Promise<HttpAnswer> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.credential !== undefined) headers.authorization = `Bearer ${options.credential}`
  if (options.contentType !== undefined) headers['content-type'] = options.contentType
  const res = await fetch(url + path, {
    method,
    headers,
    body: typeof options.body === 'string' || options.body === undefined ? options.body : Buffer.from(options.body),
    redirect: 'manual',
    // A liveness bound, not a speed assertion: an answer that never comes is a finding of its own.
    signal: AbortSignal.timeout(90_000),
  })
  const text = await res.text()
  let json: Record<string, any> | undefined
  if (res.headers.get('content-type')?.includes('json')) {
    try {
      json = JSON.parse(text) as Record<string, any>
    } catch {
      json = undefined
    }
  }
  return { status: res.status, text, json, headers: res.headers }
}

/**
 * A request the fixture needs to succeed: retried after `retry-after` when the kernel's rate limit answers
 * 429 (the fixture is not what is under test), and failing loudly on anything else but `expected`.
 */
export async function must(
  target: { url: string },
  method: string,
  path: string,
  credential: string | undefined,
  body?: unknown,
  expected = [200, 201, 204],
): Promise<Record<string, any>> {
  for (let attempt = 0; ; attempt++) {
    const answer = await request(target.url, method, path, {
      credential,
      ...(body === undefined ? {} : { body: JSON.stringify(body), contentType: 'application/json' }),
    })
    if (answer.status === 429 && attempt < 20) {
      await waitRetryAfter(answer)
      continue
    }
    if (!expected.includes(answer.status))
      throw new Error(`fixture: ${method} ${path} answered ${answer.status}: ${answer.text.slice(0, 500)}`)
    return answer.json ?? {}
  }
}

export function waitRetryAfter(answer: HttpAnswer): Promise<void> {
  const seconds = Number(answer.headers.get('retry-after') ?? 1)
  return new Promise((resolve) => setTimeout(resolve, Math.min(Math.max(seconds, 0.1), 30) * 1000))
}

/** The counter panel with `marker` in its title, so a leaked copy is recognisable. */
function canaryNxml(marker: string): string {
  return COUNTER.replace('title="Counter"', `title="Canary ${marker}"`)
}

/** Spawns the kernel (`npm start`'s entry) on a fresh data dir and builds the fixture through its API. */
export async function startFuzzTarget(env: NodeJS.ProcessEnv = {}): Promise<FuzzTarget> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nexus-fuzz-'))
  // The request budget is the subject of headers-and-rate-limit.test.ts; here it would only turn fuzzed
  // requests into 429s, so it is raised far above the few thousand a run sends.
  const { url, process: child } = await spawnKernel(await freePort(), dataDir, { NEXUS_RATE_LIMIT: '1000000', ...env })
  const log: string[] = []
  const keep = (chunk: Buffer) => {
    log.push(...String(chunk).split('\n').filter(Boolean))
    log.splice(0, Math.max(0, log.length - 500))
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  try {
    return { ...(await buildFixture(url, child)), log }
  } catch (error) {
    await stopKernel(child)
    throw error
  }
}

async function buildFixture(url: string, child: ChildProcess): Promise<Omit<FuzzTarget, 'log'>> {
  const t = { url }
  const marker = `cnry${randomBytes(6).toString('hex')}`
  const password = `fuzz ${randomBytes(9).toString('base64')} Passphrase!`
  const session = await must(t, 'POST', '/api/auth/setup', undefined, OWNER)
  const ownerKey = await must(t, 'POST', '/api/keys', session.accessToken, { name: 'fuzz owner' })
  const auditor = await must(t, 'POST', '/api/keys', session.accessToken, { name: 'fuzz auditor' })
  const owner = { name: 'owner' as const, key: ownerKey.key as string, userId: session.user.id as string }

  async function account(name: 'outsider' | 'carol', email: string) {
    const s = await must(t, 'POST', '/api/auth/register', undefined, { email, password, name })
    const k = await must(t, 'POST', '/api/keys', s.accessToken, { name: `fuzz ${name}` })
    return { key: k.key as string, userId: s.user.id as string, keyId: k.id as string }
  }
  const bob = await account('outsider', 'bob.fuzz@example.com')
  const carol = await account('carol', 'carol.fuzz@example.com')

  const me = await must(t, 'GET', '/api/me', owner.key)
  const scratchWorkspace = me.workspaces[0].id as string
  const canaryWorkspace = (await must(t, 'POST', '/api/workspaces', owner.key, { name: `Canary ${marker}` })).id
  await must(t, 'POST', `/api/workspaces/${canaryWorkspace}/members`, owner.key, {
    email: 'carol.fuzz@example.com',
    role: 'viewer',
  })

  async function area(workspaceId: string, nxml: string, apiKeyId: string): Promise<Area> {
    const panelId = (await must(t, 'POST', '/api/panels', owner.key, { nxml, workspaceId })).id as string
    const traceId = randomBytes(16).toString('hex')
    const triggered = await request(url, 'POST', `/api/panels/${panelId}/trigger`, {
      credential: owner.key,
      contentType: 'application/json',
      body: JSON.stringify({ tool: 'increment' }),
      headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
    })
    if (triggered.status !== 200) throw new Error(`fixture: trigger answered ${triggered.status}: ${triggered.text}`)
    const nog = `/api/workspaces/${workspaceId}/nog`
    const entity = await must(t, 'POST', `${nog}/entities`, owner.key, {
      name: `Entity ${marker}`,
      category: 'concept',
    })
    const other = await must(t, 'POST', `${nog}/entities`, owner.key, { name: 'Other', category: 'concept' })
    const relationship = await must(t, 'POST', `${nog}/relationships`, owner.key, {
      fromId: entity.entity.id,
      toId: other.entity.id,
      type: 'uses',
    })
    const patch = await must(t, 'POST', `${nog}/patches`, owner.key, {
      source: 'ai',
      summary: `Proposal ${marker}`,
      ops: [{ op: 'create_entity', entity: { name: `Proposed ${marker}`, category: 'concept' } }],
    })
    return {
      workspaceId,
      panelId,
      entityId: entity.entity.id as string,
      otherEntityId: other.entity.id as string,
      relationshipId: relationship.relationship.id as string,
      patchId: patch.id as string,
      traceId,
      apiKeyId,
    }
  }
  const canary = await area(canaryWorkspace, canaryNxml(marker), ownerKey.id as string)
  // The scratch area's key is a throwaway of the owner's, so revoking it there is allowed and harmless.
  const throwaway = await must(t, 'POST', '/api/keys', owner.key, { name: 'fuzz throwaway' })
  const scratch = await area(scratchWorkspace, COUNTER, throwaway.id as string)

  const wrongSecret = new TextEncoder().encode(randomBytes(32).toString('hex'))
  const forgedJwt = (claims: Record<string, unknown>, exp = true) => {
    const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(owner.userId).setIssuedAt()
    return (exp ? jwt.setExpirationTime('1h') : jwt).sign(wrongSecret)
  }
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const forgedCredentials = [
    await forgedJwt({ tv: 0 }),
    await forgedJwt({ tv: 0 }, false),
    `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: owner.userId, tv: 0 })}.`,
    `${b64({ alg: 'HS256' })}.${b64({ sub: owner.userId, tv: 0, exp: 4102444800 })}.AAAA`,
    `nxk_${ownerKey.id}_${'0'.repeat(43)}`,
    `nxk_${ownerKey.id}_`,
    'nxk___',
    'x'.repeat(4000),
  ]

  return {
    url,
    child,
    owner,
    outsider: { name: 'outsider', key: bob.key, userId: bob.userId },
    anonymous: { name: 'anonymous' },
    carol: { name: 'outsider', key: carol.key, userId: carol.userId },
    auditorKey: auditor.key as string,
    canary,
    scratch,
    marker,
    forgedCredentials,
    watchedKeyIds: [ownerKey.id as string, auditor.id as string],
  }
}

/**
 * What must not change: the canary panel, its history, its graph and who belongs to its workspace. The
 * first call waits for the fixture's trigger to reach the history (TriLog is written off the request path),
 * so a late write cannot pass for a change the fuzzer made.
 */
export async function canaryState(target: FuzzTarget): Promise<unknown> {
  const { canary, auditorKey } = target
  const get = (path: string) => must(target, 'GET', path, auditorKey)
  const history = `/api/panels/${canary.panelId}/timeline?limit=1000`
  for (let i = 0, last = ''; i < 60; i++) {
    const now = JSON.stringify((await get(history)).entries)
    if (now.includes('"state_change"') && now === last) break
    last = now
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  const panel = await get(`/api/panels/${canary.panelId}`)
  const ws = `/api/workspaces/${canary.workspaceId}`
  return {
    panel,
    state: (await get(`/api/panels/${canary.panelId}/state?at=${Date.now() + 3_600_000}`)).state,
    timeline: (await get(history)).entries.map((e: { ts: number; kind: string; traceId: string; summary: string }) => [
      e.ts,
      e.kind,
      e.traceId,
      e.summary,
    ]),
    members: (await get(`${ws}/members`)).members,
    workspace: await get(ws),
    panels: (await get(`/api/panels?workspaceId=${canary.workspaceId}`)).panels.map(
      (p: { id: string; version: number }) => [p.id, p.version],
    ),
    nog: await get(`${ws}/nog`),
    entities: (await get(`${ws}/nog/entities`)).entities,
    patches: (await get(`${ws}/nog/patches`)).patches,
    bobSeesCanary: (await must(target, 'GET', '/api/workspaces', target.outsider.key)).workspaces.some(
      (w: { id: string }) => w.id === canary.workspaceId,
    ),
    watchedKeys: (await get('/api/keys')).keys
      .filter((k: { id: string }) => target.watchedKeyIds.includes(k.id))
      .map((k: { id: string; revokedAt?: unknown }) => [k.id, k.revokedAt ?? null]),
  }
}

/** Resident and peak memory of a process, in bytes, from `/proc/<pid>/status` (Linux). */
export function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024
  return { rss: kb('VmRSS'), peak: kb('VmHWM') }
}

/** How much the kernel may grow over a whole fuzz run; generous, since caches and chDB buffers fill too. */
export const MEMORY_GROWTH_BOUND = 256 * 1024 * 1024

/** Whether the kernel still answers `/healthz` with 200. */
export async function answersHealthz(url: string): Promise<boolean> {
  try {
    return (await request(url, 'GET', '/healthz')).status === 200
  } catch {
    return false
  }
}

export function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null
}

export { stopKernel }
