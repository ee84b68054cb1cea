import type { ViewNode } from '@nexus/protocol'
import { describe, expect, it } from 'vitest'
import { distinctCorpus, distinctPanel } from '../../../bench/reactor/corpus.ts'
import { clearNxmlCaches, compileNxml, parseBinding } from '../src/index.ts'

/** Every expression and handler text a panel holds: computeds, handlers, view bindings and expression attributes. */
function codeTexts(src: string): string[] {
  const { ast } = compileNxml(src)
  const texts: string[] = []
  for (const c of ast!.computeds) texts.push(c.value)
  for (const t of ast!.tools) texts.push(t.handler.code)
  for (const l of ast!.lifecycles ?? []) texts.push(l.handler.code)
  const visit = (node: ViewNode): void => {
    for (const [name, value] of Object.entries(node.attrs)) {
      if (name === 'args' || name === 'key') texts.push(value)
      const binding = parseBinding(value)
      if (!binding.ok) throw new Error(binding.error.message)
      if (binding.value.kind === 'expr') texts.push(binding.value.part.source)
      if (binding.value.kind === 'template')
        for (const part of binding.value.parts) if (typeof part !== 'string') texts.push(part.source)
    }
    node.children.forEach(visit)
  }
  ast!.view.forEach(visit)
  return texts
}

describe('the distinct-panel bench corpus (bench/reactor/corpus.ts)', () => {
  const panels = distinctCorpus(2 * 1024 * 1024)

  it('has at least 500 panels and is the same for the same seed', () => {
    expect(panels.length).toBeGreaterThanOrEqual(500)
    expect(distinctPanel(12, 7)).toBe(panels[7])
    expect(distinctPanel(13, 7)).not.toBe(panels[7])
  })

  it('holds only panels our validator accepts without a single diagnostic', () => {
    for (const [i, src] of panels.entries()) {
      clearNxmlCaches()
      const { ok, diagnostics } = compileNxml(src)
      expect({ panel: i, ok, diagnostics }).toEqual({ panel: i, ok: true, diagnostics: [] })
    }
  })

  it('repeats no expression or handler text between panels', () => {
    const owner = new Map<string, number>()
    let texts = 0
    for (const [i, src] of panels.entries()) {
      for (const text of codeTexts(src)) {
        texts++
        const first = owner.get(text)
        if (first !== undefined && first !== i) expect.fail(`panels ${first} and ${i} share ${JSON.stringify(text)}`)
        owner.set(text, i)
      }
    }
    // Realistic density: dozens of expressions and several handlers per panel.
    expect(texts / panels.length).toBeGreaterThan(15)
  })

  it('has the mix of a real workspace', () => {
    const all = panels.join('\n')
    for (const piece of [
      '<Iterate ',
      '<If ',
      '<Else>',
      '<Chart ',
      '<Table ',
      '<Form ',
      'bind="',
      '<![CDATA[',
      '<Capabilities>',
      '<Lifecycle ',
      '$ext.',
      '$emit(',
      '&gt;',
      '<Tabs ',
    ])
      expect(all.includes(piece), piece).toBe(true)
  })
})
