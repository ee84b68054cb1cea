// NOG query latency on a 100,000-entity graph, through the kernel's NogService in this process.
// `openDatabase` is not exported by @nexus/kernel, so the service comes from `startKernel(...).nog` on a
// temp data dir (the public entry); queries call it directly, without HTTP.
// Run alone (rows merged into bench/results/kernel.json):
//   node --import tsx --conditions=@nexus/source bench/kernel/nog.ts
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { compileFilter, startKernel, type NogService } from '@nexus/kernel'
import { median, percentile, round, saveMerged, type Metric } from '../lib.ts'
import { setupOwner } from './setup.ts'

const ENTITIES = 100_000
const BATCH = 5_000
const CATEGORIES = ['concept', 'component', 'data', 'action', 'resource', 'constraint', 'milestone', 'custom'] as const
const MAX_ITERATIONS = 2_000
const MAX_MS_PER_QUERY = 3_000
const GOAL: Metric['goal'] = { op: '<=', value: 1 }

type Ops = Parameters<NogService['applyOps']>[1][number][]
type EntityPredicate = Extract<ReturnType<typeof compileFilter>, { ok: true }>['value']

/** A small seeded generator (mulberry32), so every run queries the same entities. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const id = (i: number) => `e${i}`

/** 100,000 entities over 8 categories and 100 tags; a ring plus one random edge each (200,000 edges). */
async function populate(nog: NogService, ws: string): Promise<void> {
  const random = rng(1)
  for (let start = 0; start < ENTITIES; start += BATCH) {
    const ops: Ops = []
    for (let i = start; i < start + BATCH; i++) {
      ops.push({
        op: 'create_entity',
        entity: {
          id: id(i),
          name: `Entity ${i}`,
          category: CATEGORIES[i % CATEGORIES.length]!,
          status: 'active',
          description: `Bench entity number ${i}`,
          tags: [`t${i % 100}`, `g${i % 7}`],
          properties: { rank: i },
        },
      })
    }
    await nog.applyOps(ws, ops)
  }
  for (let start = 0; start < ENTITIES; start += BATCH) {
    const ops: Ops = []
    for (let i = start; i < start + BATCH; i++) {
      const ring = {
        fromId: id(i),
        toId: id((i + 1) % ENTITIES),
        type: 'depends_on',
        strength: 1,
        confidence: 1,
      } as const
      ops.push({ op: 'create_relationship', relationship: ring })
      const other = (i + 2 + Math.floor(random() * (ENTITIES - 2))) % ENTITIES
      const link = { fromId: id(i), toId: id(other), type: 'related_to', strength: 1, confidence: 1 } as const
      ops.push({ op: 'create_relationship', relationship: link })
    }
    await nog.applyOps(ws, ops)
  }
}

type Run = (i: number) => Promise<unknown>

/** Samples of `run` (and of `peer`, alternating with it, when given), after 100 warm-up calls of each. */
async function time(run: Run, peer?: Run): Promise<{ ours: number[]; peer: number[] }> {
  for (let i = 0; i < 100; i++) await Promise.all([run(i), peer?.(i)])
  const samples = { ours: [] as number[], peer: [] as number[] }
  const end = performance.now() + MAX_MS_PER_QUERY * (peer ? 2 : 1)
  for (let i = 0; i < MAX_ITERATIONS && performance.now() < end; i++) {
    for (const [fn, out] of peer
      ? ([
          [run, samples.ours],
          [peer, samples.peer],
        ] as const)
      : ([[run, samples.ours]] as const)) {
      const t = process.hrtime.bigint()
      await fn(i)
      out.push(Number(process.hrtime.bigint() - t) / 1e6)
    }
  }
  return samples
}

/** A filter as the kernel served it before the property index: the category index (if any), then a scan. */
function withoutPropertyIndex(predicate: EntityPredicate): EntityPredicate {
  const plain: EntityPredicate = (e) => predicate(e)
  if (predicate.category !== undefined) plain.category = predicate.category
  return plain
}

function compiled(input: unknown): EntityPredicate {
  const result = compileFilter(input)
  if (!result.ok) throw new Error(result.error)
  return result.value
}

/**
 * Per query, p50 and p99 in ms against an absolute goal of 1 ms. Property filters also run without the
 * property index (the scan they replaced) in the same loop, as their peer.
 */
export async function nogMetrics(dataDir: string): Promise<Metric[]> {
  const kernel = await startKernel({ host: '127.0.0.1', port: 0, dataDir })
  try {
    const { workspaceId: ws } = await setupOwner(kernel.url)
    const t = performance.now()
    await populate(kernel.nog, ws)
    const summary = await kernel.nog.summary(ws)
    console.log(
      `NOG: ${summary.entities} entities, ${summary.relationships} relationships written in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    )
    const random = rng(2)
    const pick = () => id(Math.floor(random() * ENTITIES))
    const ranged = compiled({ $and: [{ category: { eq: 'resource' } }, { 'properties.rank': { gte: 99_000 } }] })
    const band = compiled({ 'properties.rank': { gte: 50_000, lt: 50_050 } })
    const find = (filter: EntityPredicate) => () => kernel.nog.findEntities(ws, { filter })
    const SCAN = 'the same filter without the property index'
    const queries: [string, Run, Run?][] = [
      ['entity by id', () => kernel.nog.getEntity(ws, pick())],
      ['entities by category (limit 100)', (i) => kernel.nog.findEntities(ws, { category: CATEGORIES[i % 8]! })],
      ['entities by tag (limit 100)', (i) => kernel.nog.findEntities(ws, { tag: `t${i % 100}` })],
      ['entities by filter, category + property range', find(ranged), find(withoutPropertyIndex(ranged))],
      ['entities by filter, property range only', find(band), find(withoutPropertyIndex(band))],
      [
        'entities by text (scans every name)',
        (i) => kernel.nog.findEntities(ws, { text: `entity ${99_000 + (i % 1000)}` }),
      ],
      ['neighbours depth 1', () => kernel.nog.neighbours(ws, pick(), 1)],
      ['neighbours depth 2', () => kernel.nog.neighbours(ws, pick(), 2)],
      ['shortest path between two random entities', () => kernel.nog.shortestPath(ws, pick(), pick())],
    ]
    const metrics: Metric[] = []
    for (const [name, run, peer] of queries) {
      const samples = await time(run, peer)
      const line = (xs: number[]) => `p50 ${median(xs).toFixed(3)} ms, p99 ${percentile(xs, 99).toFixed(3)} ms`
      console.log(
        `NOG ${name}: ${line(samples.ours)} (${samples.ours.length} runs)${peer ? `; ${SCAN}: ${line(samples.peer)}` : ''}`,
      )
      for (const [label, of] of [
        ['p50', median],
        ['p99', (xs: number[]) => percentile(xs, 99)],
      ] as const) {
        const value = of(samples.ours)
        const peerValue = peer ? of(samples.peer) : undefined
        metrics.push({
          name: `NOG ${name} ${label}, 100k entities`,
          unit: 'ms',
          value: round(value),
          better: 'lower',
          peer: peerValue === undefined ? null : { name: SCAN, value: round(peerValue) },
          ratio: peerValue === undefined ? null : round(value / peerValue),
          goal: GOAL,
        })
      }
    }
    return metrics
  } finally {
    await kernel.close()
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = mkdtempSync(join(tmpdir(), 'nexus-bench-nog-'))
  try {
    saveMerged('kernel', await nogMetrics(dir))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
