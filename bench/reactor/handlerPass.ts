/**
 * CPU time of analysing every handler of the distinct corpus once (no cache), for A/B runs of two trees:
 *
 *   for i in 1 2 3; do for t in /tmp/old .; do ROOT=$t npx tsx --conditions=@nexus/source bench/reactor/handlerPass.ts; done; done
 *
 * Before the analysis moved to `@nexus/protocol`, the reactor's `analyzeHandler` is timed (its cache emptied).
 */
import { pathToFileURL } from 'node:url'
import { distinctCorpus } from './corpus.ts'

const root = pathToFileURL(`${process.env.ROOT ?? '.'}/`)
const protocol = (await import(new URL('packages/protocol/src/index.ts', root).href)) as {
  analyzeHandlerCode?: (code: string) => unknown
}
const reactor = (await import(new URL('packages/reactor/src/nxml/handlerCode.ts', root).href)) as {
  analyzeHandler(code: string): unknown
  clearHandlerCaches(): void
}
const analyze =
  root.pathname === pathToFileURL('./').pathname || !protocol.analyzeHandlerCode
    ? (code: string) => {
        reactor.clearHandlerCaches()
        return reactor.analyzeHandler(code)
      }
    : protocol.analyzeHandlerCode
const handlers: string[] = []
for (const src of distinctCorpus(2 * 1024 * 1024))
  for (const m of src.matchAll(/<Handler>([\s\S]*?)<\/Handler>/g)) handlers.push(m[1]!)
const pass = (): number => {
  const start = process.cpuUsage()
  for (let i = 0; i < handlers.length; i++) {
    const a = analyze(handlers[i]!) as { capabilities?: unknown }
    if (process.env.CAPS && i % 3 === 0) void a.capabilities
  }
  const used = process.cpuUsage(start)
  return (used.user + used.system) / 1000
}
for (let i = 0; i < 5; i++) pass()
const times = Array.from({ length: Number(process.env.PASSES ?? 15) }, pass).sort((a, b) => a - b)
console.log(`${process.env.ROOT ?? '.'}\t${times[7]!.toFixed(2)} ms\t${handlers.length} handlers`)
