// NOG query latency on a 100,000-entity graph, through the kernel's NogService in this process.
// `openDatabase` is not exported by @nexus/kernel, so the service comes from `startKernel(...).nog` on a
// temp data dir (the public entry); queries call it directly, without HTTP.
import { compileFilter, startKernel, type NogService } from '@nexus/kernel'
import { median, percentile, round, type Metric } from '../lib.ts'
import { setupOwner } from './setup.ts'

const ENTITIES = 100_000
const BATCH = 5_000
const CATEGORIES = ['concept', 'component', 'data', 'action', 'resource', 'constraint', 'milestone', 'custom'] as const
const MAX_ITERATIONS = 2_000
const MAX_MS_PER_QUERY = 3_000
const GOAL: Metric['goal'] = { op: '<=', value: 1 }

type Ops = Parameters<NogService['applyOps']>[1][number][]

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

async function time(run: (i: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 100; i++) await run(i)
  const samples: number[] = []
  const end = performance.now() + MAX_MS_PER_QUERY
  for (let i = 0; i < MAX_ITERATIONS && performance.now() < end; i++) {
    const t = process.hrtime.bigint()
    await run(i)
    samples.push(Number(process.hrtime.bigint() - t) / 1e6)
  }
  return samples
}

/** Per query, p50 and p99 in ms, with no peer and an absolute goal of 1 ms. */
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
    const filter = compileFilter({ $and: [{ category: { eq: 'resource' } }, { 'properties.rank': { gte: 99_000 } }] })
    if (!filter.ok) throw new Error(filter.error)
    const queries: [string, (i: number) => Promise<unknown>][] = [
      ['entity by id', () => kernel.nog.getEntity(ws, pick())],
      ['entities by category (limit 100)', (i) => kernel.nog.findEntities(ws, { category: CATEGORIES[i % 8]! })],
      ['entities by tag (limit 100)', (i) => kernel.nog.findEntities(ws, { tag: `t${i % 100}` })],
      ['entities by filter, category + property range', () => kernel.nog.findEntities(ws, { filter: filter.value })],
      [
        'entities by text (scans every name)',
        (i) => kernel.nog.findEntities(ws, { text: `entity ${99_000 + (i % 1000)}` }),
      ],
      ['neighbours depth 1', () => kernel.nog.neighbours(ws, pick(), 1)],
      ['neighbours depth 2', () => kernel.nog.neighbours(ws, pick(), 2)],
      ['shortest path between two random entities', () => kernel.nog.shortestPath(ws, pick(), pick())],
    ]
    const metrics: Metric[] = []
    for (const [name, run] of queries) {
      const samples = await time(run)
      console.log(
        `NOG ${name}: p50 ${median(samples).toFixed(3)} ms, p99 ${percentile(samples, 99).toFixed(3)} ms (${samples.length} runs)`,
      )
      for (const [label, value] of [
        ['p50', median(samples)],
        ['p99', percentile(samples, 99)],
      ] as const) {
        metrics.push({
          name: `NOG ${name} ${label}, 100k entities`,
          unit: 'ms',
          value: round(value),
          better: 'lower',
          peer: null,
          ratio: null,
          goal: GOAL,
        })
      }
    }
    return metrics
  } finally {
    await kernel.close()
  }
}
