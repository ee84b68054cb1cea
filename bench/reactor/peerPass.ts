/**
 * The bench's distinct-corpus comparison in CPU time: a cold pass of ours (every cache emptied before each
 * panel) paired with fast-xml-parser, then with saxes (events only), alternated in one process as
 * `reactor.bench.ts` pairs them; medians of ROUNDS (default 11). On a busy machine CPU time is steadier than
 * the bench's wall clock, and the ratios show how far the goals (≥ 2×, ≥ 0.5×) are.
 *
 *   npx tsx --conditions=@nexus/source bench/reactor/peerPass.ts
 *
 * `ROOT=/tmp/old` times another tree's reactor (as coldPass.ts does), for A/B runs in alternating processes.
 */
import { XMLParser } from 'fast-xml-parser'
import { SaxesParser } from 'saxes'
import { pathToFileURL } from 'node:url'
import { median } from '../lib.ts'
import { distinctCorpus } from './corpus.ts'

const root = pathToFileURL(`${process.env.ROOT ?? '.'}/`)
const { clearNxmlCaches, compileNxml } = (await import(new URL('packages/reactor/src/index.ts', root).href)) as {
  compileNxml(src: string): unknown
  clearNxmlCaches(): void
}
const panels = distinctCorpus(2 * 1024 * 1024)
const fxp = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', preserveOrder: true })
const ours = (src: string): unknown => {
  clearNxmlCaches()
  return compileNxml(src)
}
const saxes = (src: string): number => {
  const parser = new SaxesParser()
  let events = 0
  parser.on('opentag', () => events++)
  parser.on('text', () => events++)
  parser.on('closetag', () => events++)
  parser.write(src).close()
  return events
}
const cpu = (parse: (src: string) => unknown): number => {
  const start = process.cpuUsage()
  for (const src of panels) parse(src)
  const used = process.cpuUsage(start)
  return (used.user + used.system) / 1000
}
const rounds = Number(process.env.ROUNDS ?? 11)
const peers: [string, (src: string) => unknown][] = [
  ['fast-xml-parser', (src) => fxp.parse(src)],
  ['saxes', saxes],
]
for (const [name, peer] of peers) {
  cpu(ours)
  cpu(peer)
  const a: number[] = []
  const b: number[] = []
  for (let r = 0; r < rounds; r++) {
    a.push(cpu(ours))
    b.push(cpu(peer))
  }
  const [ms, peerMs] = [median(a), median(b)]
  console.log(`ours ${ms.toFixed(1)} ms, ${name} ${peerMs.toFixed(1)} ms: ${(peerMs / ms).toFixed(2)}×`)
}
