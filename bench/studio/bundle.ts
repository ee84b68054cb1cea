// Builds a Vite app and reads its module graph from the bundle itself: the JS the first screen loads is the
// entry chunk, the chunks the entry itself imports dynamically (a boot step), and every chunk those import
// statically (transitively); the other dynamic imports (lazy views) are left out. Sizes are
// gzip (level 9, as the build's own report) of each chunk's code. `npx tsx bench/studio/bundle.ts` prints
// the studio's initial chunks with their biggest modules, grouped by package.
import { gzipSync } from 'node:zlib'
import { build, type Plugin, type PluginOption, type Rolldown } from 'vite'

export interface ChunkInfo {
  file: string
  bytes: number
  gzip: number
  /** Rendered bytes per module group (an npm package, or a workspace folder), biggest first. */
  groups: [string, number][]
}

export interface BundleReport {
  /** Chunks loaded by the first screen: the entry and its static imports. */
  initial: ChunkInfo[]
  /** Every other chunk (loaded on demand). */
  lazy: ChunkInfo[]
  initialGzip: number
}

/** `react-dom`, `@codemirror/view`, `packages/reactor/src/nxml`, `apps/studio/src/editor`. */
function groupOf(id: string): string {
  const clean = id.replace(/\?.*$/, '').replace(/^\0/, '')
  const nm = clean.lastIndexOf('node_modules/')
  if (nm >= 0) {
    const parts = clean.slice(nm + 'node_modules/'.length).split('/')
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!
  }
  const ws = /(?:^|\/)((?:packages|apps)\/[^/]+\/src(?:\/[^/.]+(?=\/))?)/.exec(clean)
  return ws ? ws[1]! : clean
}

function info(chunk: Rolldown.OutputChunk): ChunkInfo {
  const groups = new Map<string, number>()
  for (const [id, m] of Object.entries(chunk.modules)) {
    const g = groupOf(id)
    groups.set(g, (groups.get(g) ?? 0) + m.renderedLength)
  }
  return {
    file: chunk.fileName,
    bytes: Buffer.byteLength(chunk.code),
    gzip: gzipSync(chunk.code, { level: 9 }).length,
    groups: [...groups].sort((a, b) => b[1] - a[1]),
  }
}

function reporter(out: { report?: BundleReport }): Plugin {
  return {
    name: 'nexus-bundle-report',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = new Map<string, Rolldown.OutputChunk>()
      for (const c of Object.values(bundle)) if (c.type === 'chunk') chunks.set(c.fileName, c)
      const initial = new Set<string>()
      const visit = (file: string) => {
        if (initial.has(file)) return
        initial.add(file)
        for (const next of chunks.get(file)?.imports ?? []) visit(next)
      }
      // An entry that only boots (`import('./boot.tsx')` after configuring zod) loads its own dynamic
      // imports at once: they are the first screen too. Lazy views imported from there stay out.
      for (const c of chunks.values())
        if (c.isEntry) {
          visit(c.fileName)
          for (const d of c.dynamicImports) visit(d)
        }
      const all = [...chunks.values()].map(info)
      const first = all.filter((c) => initial.has(c.file))
      out.report = {
        initial: first,
        lazy: all.filter((c) => !initial.has(c.file)),
        initialGzip: first.reduce((n, c) => n + c.gzip, 0),
      }
    },
  }
}

/** Builds `root` (its own vite.config.ts, if any) into `outDir` and reports its chunks. */
export async function buildAndMeasure(
  root: string,
  outDir: string,
  extra: { configFile?: string | false; plugins?: PluginOption[] } = {},
): Promise<BundleReport> {
  const out: { report?: BundleReport } = {}
  await build({
    root,
    configFile: extra.configFile,
    logLevel: 'warn',
    plugins: [...(extra.plugins ?? []), reporter(out)],
    build: { outDir, emptyOutDir: true },
  })
  if (!out.report) throw new Error(`vite build of ${root} produced no bundle report`)
  return out.report
}

export function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`
}

export function printReport(report: BundleReport, top = 25): void {
  for (const [kind, list] of [
    ['initial', report.initial],
    ['lazy', report.lazy],
  ] as const) {
    for (const c of list) {
      console.log(`${kind} ${c.file}: ${kb(c.bytes)} raw, ${kb(c.gzip)} gzip`)
      for (const [g, n] of c.groups.slice(0, kind === 'initial' ? top : 8)) console.log(`  ${kb(n).padStart(10)}  ${g}`)
    }
  }
  console.log(`initial JS: ${kb(report.initialGzip)} gzip`)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { fileURLToPath } = await import('node:url')
  const root = fileURLToPath(new URL('../../apps/studio/', import.meta.url))
  const outDir = process.argv[2] ?? '/tmp/nexus-studio-bundle'
  printReport(await buildAndMeasure(root, outDir, { configFile: `${root}vite.config.ts` }))
}
