/**
 * CPU time of cold compiles of the distinct corpus, for A/B runs of two trees in alternating processes:
 *
 *   for i in 1 2 3 4 5; do for t in /tmp/old .; do ROOT=$t npx tsx --conditions=@nexus/source bench/reactor/coldPass.ts; done; done
 *
 * Prints the tree, the median CPU ms of 9 passes (every cache emptied before each panel) and the bytes.
 * The old tree's `@nexus/*` imports resolve through its `node_modules`: a symlink to this tree's makes both
 * sides run this tree's `@nexus/protocol` (the handler analysis), so to time a change there give the old tree
 * its own `node_modules` (links to every entry here) whose `@nexus/<name>` point at its own packages.
 */
import { pathToFileURL } from 'node:url'
import { distinctCorpus } from './corpus.ts'

const root = pathToFileURL(`${process.env.ROOT ?? '.'}/`)
const reactor = (await import(new URL('packages/reactor/src/index.ts', root).href)) as {
  compileNxml(src: string): unknown
  clearNxmlCaches(): void
}
const panels = distinctCorpus(2 * 1024 * 1024)
const bytes = panels.reduce((n, p) => n + Buffer.byteLength(p), 0)
const pass = (): number => {
  const start = process.cpuUsage()
  for (const src of panels) {
    reactor.clearNxmlCaches()
    reactor.compileNxml(src)
  }
  const used = process.cpuUsage(start)
  return (used.user + used.system) / 1000
}
for (let i = 0; i < 3; i++) pass() // warm the code, not the caches
const times = Array.from({ length: 9 }, pass).sort((a, b) => a - b)
console.log(`${process.env.ROOT ?? '.'}\t${times[4]!.toFixed(1)} ms\t${(bytes / 1e6).toFixed(2)} MB`)
