// The kernel's production build: `node scripts/build-kernel.mjs [--outdir DIR]` (default packages/kernel/dist).
// esbuild bundles our own TypeScript (every @nexus/* package, read through the `@nexus/source` condition) into
// three entries that plain `node` runs, with no tsx and no loader hooks:
//   main.js            the kernel process (packages/kernel/src/main.ts)
//   sqliteHostMain.js  the child process one SQLite source runs in (kernel/src/extensions/sqliteHostMain.ts)
//   sandboxWorker.js   the sandbox's worker thread (sandbox/src/worker/workerMain.ts; entry.mjs is its
//                      source-mode bootstrap, which registers tsx first)
// npm packages stay external, imported by name from node_modules as they are installed: native addons
// (better-sqlite3, chdb, @node-rs/argon2), the QuickJS .wasm that must sit beside its JS, and CommonJS
// packages load exactly as they do from source. The output folder must be inside the repository so those
// names resolve (packages/kernel/node_modules, then the root's).
//
// `new URL('<relative>', import.meta.url)` in a bundled file names a file beside its source (the migrations,
// the built studio, a worker or child entry). The bundle lives elsewhere, so each one is rewritten to the same
// target relative to the output folder, and one naming a source entry above to the built entry instead. A
// relative URL to a .ts/.tsx/.mjs file that is not an entry fails the build: it would run source under node.
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { isBuiltin } from 'node:module'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
export const KERNEL_DIST = join(ROOT, 'packages/kernel/dist')

/** Source entry → its file in the output folder. */
const ENTRIES = {
  'packages/kernel/src/main.ts': 'main.js',
  'packages/kernel/src/extensions/sqliteHostMain.ts': 'sqliteHostMain.js',
  'packages/sandbox/src/worker/workerMain.ts': 'sandboxWorker.js',
}
/** Files a source refers to by URL that the build replaces (the source-mode worker bootstrap → the bundled worker). */
const REPLACED = { 'packages/sandbox/src/worker/entry.mjs': 'sandboxWorker.js' }

/** What the bundle is built from: when any of these is newer than main.js, `npm start` rebuilds. */
export const KERNEL_INPUTS = [
  'packages/protocol/src',
  'packages/reactor/src',
  'packages/sandbox/src',
  'packages/trilog/src',
  'packages/os/src',
  'packages/kernel/src',
  ...['protocol', 'reactor', 'sandbox', 'trilog', 'os', 'kernel'].map((name) => `packages/${name}/package.json`),
  'scripts/build-kernel.mjs',
]

function newest(path) {
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))))
}

/** True when the built kernel in `outdir` is missing or older than a file it is built from. */
export function kernelStale(outdir = KERNEL_DIST) {
  const built = join(outdir, 'main.js')
  if (!existsSync(built)) return true
  const inputs = KERNEL_INPUTS.map((p) => join(ROOT, p)).filter((p) => existsSync(p))
  return Math.max(...inputs.map(newest)) > statSync(built).mtimeMs
}

const URL_OF_FILE = /new URL\(\s*(['"])(\.\.?\/[^'"]*)\1\s*,\s*import\.meta\.url\s*\)/g
const posix = (path) => path.split(sep).join('/')

/** Rewrites each `new URL('./…', import.meta.url)` of a bundled source to point at the same file from `outdir`. */
function rebaseFileUrls(outdir, rewritten) {
  const built = new Map(
    Object.entries({ ...ENTRIES, ...REPLACED }).map(([source, out]) => [join(ROOT, source), join(outdir, out)]),
  )
  return {
    name: 'rebase-file-urls',
    setup(b) {
      b.onLoad({ filter: /\.(ts|tsx|mts|mjs|js)$/ }, (args) => {
        if (args.path.includes(`${sep}node_modules${sep}`)) return undefined
        const source = readFileSync(args.path, 'utf8')
        if (!source.includes('import.meta.url')) return undefined
        const contents = source.replace(URL_OF_FILE, (_match, _quote, path) => {
          const target = resolve(dirname(args.path), path)
          const entry = built.get(target)
          if (!entry && /\.(ts|tsx|mts|mjs)$/.test(target))
            throw new Error(`${relative(ROOT, args.path)}: new URL('${path}') names source that is not a build entry`)
          rewritten.add(relative(ROOT, target))
          const fromOut = posix(relative(outdir, entry ?? target)) + (path.endsWith('/') ? '/' : '')
          return `new URL(${JSON.stringify(fromOut.startsWith('.') ? fromOut : `./${fromOut}`)}, import.meta.url)`
        })
        return { contents, loader: /\.tsx$/.test(args.path) ? 'tsx' : /\.m?js$/.test(args.path) ? 'js' : 'ts' }
      })
    },
  }
}

/**
 * npm packages stay external; our workspaces (@nexus/*) are bundled from source. An external import is
 * resolved by node from the bundle's folder, no longer from the file that wrote it, so each one must resolve
 * to the same file from both (a package nested in one workspace's node_modules would not): the build fails
 * otherwise.
 */
function externalPackages(outdir) {
  return {
    name: 'external-packages',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData?.probe || args.path.startsWith('@nexus/')) return undefined
        if (isBuiltin(args.path)) return { path: args.path, external: true }
        const probe = { kind: args.kind, pluginData: { probe: true } }
        const here = await b.resolve(args.path, { ...probe, resolveDir: args.resolveDir })
        const there = await b.resolve(args.path, { ...probe, resolveDir: outdir })
        if (here.errors.length || there.errors.length || here.path !== there.path) {
          const from = relative(ROOT, args.importer)
          const seen = (r) => (r.errors.length ? 'nothing' : relative(ROOT, r.path))
          return {
            errors: [
              {
                text: `${args.path} is ${seen(here)} from ${from} but ${seen(there)} from the bundle: declare it where both resolve alike`,
              },
            ],
          }
        }
        return { path: args.path, external: true }
      })
    },
  }
}

/** Builds the kernel into `outdir`; throws when esbuild reports an error or a file URL was left pointing at source. */
export async function buildKernel({ outdir = KERNEL_DIST } = {}) {
  const out = resolve(outdir)
  if (!posix(relative(ROOT, out)).match(/^packages\//))
    throw new Error(`the kernel build must go inside packages/ so npm packages resolve (got ${out})`)
  // Imported here, not at the top: `npm start` with a build that is up to date never loads esbuild.
  const { build } = await import('esbuild')
  const rewritten = new Set()
  mkdirSync(out, { recursive: true }) // esbuild resolves the externals from it (externalPackages)
  await build({
    absWorkingDir: ROOT,
    entryPoints: Object.entries(ENTRIES).map(([source, output]) => ({
      in: join(ROOT, source),
      out: output.replace(/\.js$/, ''),
    })),
    outdir: out,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    conditions: ['@nexus/source'],
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [externalPackages(out), rebaseFileUrls(out, rewritten)],
  })
  // The child and worker must be reached through their built entries, or production would fork source.
  for (const source of ['packages/kernel/src/extensions/sqliteHostMain.ts', 'packages/sandbox/src/worker/entry.mjs'])
    if (!rewritten.has(source)) throw new Error(`no new URL(…) naming ${source} was found to point at its build`)
  return { outdir: out, main: join(out, 'main.js') }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--outdir')
  const outdir = at > 0 ? resolve(process.argv[at + 1]) : KERNEL_DIST
  const started = performance.now()
  const { main } = await buildKernel({ outdir }).catch((error) => {
    // esbuild has printed its errors with their source lines already; ours it has not.
    if (!Array.isArray(error?.errors)) console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  })
  console.log(`built ${relative(ROOT, main)} in ${Math.round(performance.now() - started)} ms`)
}
