import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'

const DIR = new URL('./', import.meta.url)
const MODULES = readdirSync(DIR).filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f))

/** The runtime imports of one module, as sibling file names (`import type` is erased, so it does not count). */
function siblingImports(source: string): string[] {
  const out: string[] = []
  const statement = /^\s*(import|export)\s+(type\s+)?([^'";]*?\bfrom\s+)?['"]\.\/([^'"]+)['"]/gm
  for (const m of source.matchAll(statement)) if (!m[2]) out.push(m[4]!)
  return out
}

/** Every cycle reachable in `graph`, each as the path that closes it (`a → b → a`). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const found: string[] = []
  const done = new Set<string>()
  const walk = (node: string, path: string[]) => {
    const at = path.indexOf(node)
    if (at >= 0) return void found.push([...path.slice(at), node].join(' → '))
    if (done.has(node)) return
    for (const next of graph.get(node) ?? []) walk(next, [...path, node])
    done.add(node)
  }
  for (const node of graph.keys()) walk(node, [])
  return found
}

describe('the component modules', () => {
  it('import each other without a cycle', () => {
    const graph = new Map(MODULES.map((f) => [f, siblingImports(readFileSync(new URL(f, DIR), 'utf8'))]))
    expect(graph.get('Container.tsx')).toContain('ViewChildren.tsx') // the reader sees real imports
    expect(cycles(graph)).toEqual([])
  })

  it('the cycle check finds a cycle when there is one', () => {
    const source = `import { A } from './A.tsx'\nimport type { T } from './T.ts'\nexport { B } from './B.tsx'\n`
    expect(siblingImports(source)).toEqual(['A.tsx', 'B.tsx'])
    const graph = new Map([
      ['V.tsx', ['C.tsx']],
      ['C.tsx', ['L.tsx']],
      ['L.tsx', ['V.tsx']],
    ])
    expect(cycles(graph)).toEqual(['V.tsx → C.tsx → L.tsx → V.tsx'])
  })

  // `If` is wrapped in `memo` at its module's top level. With the old circle (ViewChildren ↔ Control), a
  // graph entered at Control.tsx built the registry before `If` existed: native ESM throws (TDZ), and
  // vitest's loader leaves the entry undefined, so rendering `<If>` failed ("Element type is invalid").
  it.each(MODULES)('%s loads first in a fresh module graph', async (file) => {
    vi.resetModules()
    await expect(import(/* @vite-ignore */ new URL(file, DIR).href)).resolves.toBeTypeOf('object')
  })

  it('a memo-wrapped If, loaded first, renders through the registry', async () => {
    vi.resetModules()
    const control = await import('./Control.tsx')
    expect(typeof control.If).toBe('object') // memo(...) is an object, not a hoisted function
    const { renderPanelToString } = await import('../ssr.ts')
    const { compileNxml } = await import('../nxml/compile.ts')
    const { ast } = compileNxml(`<NexusPanel title="P"><Data><State name="on" type="boolean" default="false" /></Data>
      <View><If condition="{$state.on}"><Text content="yes" /></If><Else><Text content="no" /></Else>
      <Mystery><Text content="inside" /></Mystery></View></NexusPanel>`)
    expect(renderPanelToString(ast!, { on: true })).toMatchInlineSnapshot(
      `"<section class="nx-panel" data-nx="Panel" aria-label="P"><p class="nx-text" data-nx="Text">yes</p><div class="nx-unknown" role="note" data-nx="Unknown" data-nx-type="Mystery"><span class="nx-unknown__label">Unknown component &lt;Mystery&gt;</span><p class="nx-text" data-nx="Text">inside</p></div></section>"`,
    )
    expect(renderPanelToString(ast!, { on: false })).toMatchInlineSnapshot(
      `"<section class="nx-panel" data-nx="Panel" aria-label="P"><p class="nx-text" data-nx="Text">no</p><div class="nx-unknown" role="note" data-nx="Unknown" data-nx-type="Mystery"><span class="nx-unknown__label">Unknown component &lt;Mystery&gt;</span><p class="nx-text" data-nx="Text">inside</p></div></section>"`,
    )
  })
})
