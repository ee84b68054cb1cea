/**
 * Old-vs-new check of compile outputs and handler analysis, for changes that must not change behaviour.
 *
 *   git archive <old-commit> packages bench | tar -x -C /tmp/old && ln -s "$PWD/node_modules" /tmp/old/
 *   OLD=/tmp/old npx tsx --conditions=@nexus/source bench/reactor/compareOutputs.ts
 *
 * Compares, between the tree in OLD and this one: `compileNxml` results (diagnostics and AST, cold and warm)
 * on the distinct corpus, the test cases and seeded mutants of them; and, on every handler text found there
 * plus generated token soup, the sandbox's `inferCapabilities` and `maskSource`. Prints each kind of
 * difference with a few examples; `CODES=NX3016` ignores differences confined to those diagnostic codes.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { distinctCorpus } from './corpus.ts'

interface Reactor {
  compileNxml(src: string): { ok: boolean; ast?: unknown; diagnostics: { code: string }[] }
  clearNxmlCaches(): void
}
interface Sandbox {
  inferCapabilities(code: string): string[]
}

const OLD = process.env.OLD
if (!OLD) throw new Error('set OLD to a checkout of the code to compare against')
const here = new URL('../../', import.meta.url)
const load = async <T>(root: URL | string, path: string): Promise<T> =>
  (await import(new URL(path, typeof root === 'string' ? pathToFileURL(root + '/') : root).href)) as T

const oldReactor = await load<Reactor>(OLD, 'packages/reactor/src/index.ts')
const newReactor = await load<Reactor>(here, 'packages/reactor/src/index.ts')
const oldInfer = await load<Sandbox>(OLD, 'packages/sandbox/src/inferCapabilities.ts')
const newInfer = await load<Sandbox>(here, 'packages/sandbox/src/inferCapabilities.ts')
const oldMask = await load<{ maskSource(c: string): string }>(OLD, 'packages/sandbox/src/maskSource.ts')
const newMask = await load<{ maskSource(c: string): string }>(here, 'packages/sandbox/src/maskSource.ts')
const ignored = new Set((process.env.CODES ?? '').split(',').filter(Boolean))

let seed = 7
/** mulberry32. */
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!

const casesDir = join(new URL('packages/reactor/test/cases', here).pathname)
const cases = readdirSync(casesDir)
  .filter((f) => f.endsWith('.nxml'))
  .map((f) => readFileSync(join(casesDir, f), 'utf8'))
const SNIPPETS = ['"', "'", '`', '/', '//', '/*', '*/', '${', '}', '{', '<', '>', '$state.', '=', '++', '\n', ' ']
function mutate(src: string): string {
  let out = src
  for (let k = 1 + Math.floor(random() * 3); k > 0; k--) {
    const at = Math.floor(random() * out.length)
    out = random() < 0.5 ? out.slice(0, at) + pick(SNIPPETS) + out.slice(at) : out.slice(0, at) + out.slice(at + 1)
  }
  return out
}
const inputs = [...distinctCorpus(2 * 1024 * 1024), ...cases]
for (let i = 0; i < 4000; i++) inputs.push(mutate(pick(cases)))

const differences = new Map<string, string[]>()
function differ(kind: string, example: string): void {
  const list = differences.get(kind) ?? []
  if (list.length < 3) list.push(example.slice(0, 600))
  differences.set(kind, list)
  ;(differences.get(`${kind} (count)`) ?? differences.set(`${kind} (count)`, []).get(`${kind} (count)`)!).push('')
}

function withoutIgnored(result: { diagnostics: { code: string }[] }): unknown {
  return { ...result, diagnostics: result.diagnostics.filter((d) => !ignored.has(d.code)) }
}

const handlers = new Set<string>()
for (const src of inputs) {
  for (const warm of [false, true]) {
    if (!warm) {
      oldReactor.clearNxmlCaches()
      newReactor.clearNxmlCaches()
    }
    const a = oldReactor.compileNxml(src)
    const b = newReactor.compileNxml(src)
    if (JSON.stringify(withoutIgnored(a)) !== JSON.stringify(withoutIgnored(b))) {
      const da = a.diagnostics.map((d) => JSON.stringify(d))
      const db = b.diagnostics.map((d) => JSON.stringify(d))
      const gone = da.filter((d) => !db.includes(d))
      const added = db.filter((d) => !da.includes(d))
      const what = gone.length + added.length ? `- ${gone.join('\n- ')}\n+ ${added.join('\n+ ')}` : 'AST'
      differ(`compile (${warm ? 'warm' : 'cold'})`, what)
    }
  }
  for (const m of src.matchAll(/<Handler>([\s\S]*?)<\/Handler>/g)) handlers.add(m[1]!)
}
const TOKENS = [
  '$state',
  '.a',
  '.b',
  "['c']",
  '[k]',
  '=',
  '+=',
  '++',
  '--',
  'delete ',
  '.push(1)',
  'Object.assign(',
  '$emit(',
  "'e'",
  '`t`',
  '"x"',
  '$ext',
  '.http',
  '.get(',
  "'https://h.example/p'",
  '$view.',
  '$panel.call(',
  ')',
  '(',
  '{',
  '}',
  '${',
  '`',
  '/',
  '/re/',
  '//c\n',
  '/*c*/',
  ' ',
  '\n',
  ';',
  'x',
  '?.',
  ',',
  'return ',
  '\\',
]
for (let i = 0; i < 100_000; i++) {
  let code = ''
  for (let k = Math.floor(random() * 20); k > 0; k--) code += pick(TOKENS)
  handlers.add(code)
}
for (const code of handlers) {
  const a = JSON.stringify(oldInfer.inferCapabilities(code))
  const b = JSON.stringify(newInfer.inferCapabilities(code))
  if (a !== b) differ('inferCapabilities', `${JSON.stringify(code)}\n old ${a}\n new ${b}`)
  if (oldMask.maskSource(code) !== newMask.maskSource(code)) differ('maskSource', JSON.stringify(code))
}

console.log(`${inputs.length} panels (cold and warm), ${handlers.size} handler texts`)
if (differences.size === 0) console.log('no difference')
for (const [kind, examples] of differences) {
  if (kind.endsWith('(count)')) console.log(`${kind}: ${examples.length}`)
  else for (const e of examples) console.log(`--- ${kind}\n${e}`)
}
process.exitCode = differences.size === 0 ? 0 : 1
