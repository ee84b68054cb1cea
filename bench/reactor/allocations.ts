/**
 * Where a cold pass of the distinct corpus allocates, by function: the sampling heap profiler with the
 * objects later collected included (a plain heap profile shows only what is still alive), per pass.
 *
 *   npx tsx --conditions=@nexus/source bench/reactor/allocations.ts
 *
 * Pair it with `node --trace-gc-nvp` on coldPass.ts: `promoted=` per scavenge should stay near zero on a cold
 * pass (a panel's garbage dies with it); round four found 2.3 MB promoted per scavenge there (see CONTEXT.md).
 */
import { Session } from 'node:inspector/promises'
import { distinctCorpus } from './corpus.ts'

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number }
  selfSize: number
  children: ProfileNode[]
}

const reactor = (await import(
  process.env.ROOT ? `${process.env.ROOT}/packages/reactor/src/index.ts` : '../../packages/reactor/src/index.ts'
)) as {
  compileNxml(src: string): unknown
  clearNxmlCaches(): void
}
const PASSES = 5
const panels = distinctCorpus(2 * 1024 * 1024)
const pass = (): void => {
  for (const src of panels) {
    reactor.clearNxmlCaches()
    reactor.compileNxml(src)
  }
}
for (let i = 0; i < PASSES; i++) pass() // warm the code
const session = new Session()
session.connect()
await session.post('HeapProfiler.startSampling', {
  samplingInterval: 256,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
})
for (let i = 0; i < PASSES; i++) pass()
const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: ProfileNode } }
const bytes = new Map<string, number>()
let total = 0
const walk = (node: ProfileNode): void => {
  const { functionName, url, lineNumber } = node.callFrame
  const key = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`
  bytes.set(key, (bytes.get(key) ?? 0) + node.selfSize)
  total += node.selfSize
  for (const child of node.children) walk(child)
}
walk(profile.head)
console.log(`${(total / PASSES / 1e6).toFixed(1)} MB allocated per pass`)
for (const [key, size] of [...bytes].sort((a, b) => b[1] - a[1]).slice(0, 30))
  console.log(
    `${((100 * size) / total).toFixed(1).padStart(5)} % ${(size / PASSES / 1e3).toFixed(0).padStart(6)} KB  ${key}`,
  )
