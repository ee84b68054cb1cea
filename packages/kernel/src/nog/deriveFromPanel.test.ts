import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { compileNxml } from '@nexus/reactor'
import { deriveFromPanel, scanStateAccess } from './deriveFromPanel.ts'

const COUNTER = readFileSync(
  fileURLToPath(new URL('../../../reactor/test/cases/counter.nxml', import.meta.url)),
  'utf8',
)

describe('deriveFromPanel', () => {
  it('turns the counter panel into entities and relationships', () => {
    const { ast } = compileNxml(COUNTER)
    const derived = deriveFromPanel('p1', 'Counter', ast!)
    expect(derived.entities.map((e) => [e.id, e.category, e.name, e.description])).toEqual([
      ['panel:p1', 'component', 'Counter', ''],
      ['panel:p1:state:count', 'data', 'count', ''],
      ['panel:p1:computed:double', 'data', 'double', ''],
      ['panel:p1:tool:increment', 'action', 'increment', 'Add a step to the counter'],
    ])
    expect(derived.relationships.map((r) => r.id)).toEqual([
      'panel:p1>contains>panel:p1:state:count',
      'panel:p1>contains>panel:p1:computed:double',
      'panel:p1:computed:double>depends_on>panel:p1:state:count',
      'panel:p1>contains>panel:p1:tool:increment',
      'panel:p1:tool:increment>produces>panel:p1:state:count',
      'panel:p1:tool:increment>consumes>panel:p1:state:count',
    ])
    expect(deriveFromPanel('p1', 'Counter', ast!)).toEqual(derived)
  })

  it('tells writes from reads in handler code', () => {
    const scan = (code: string) => {
      const { writes, reads } = scanStateAccess(code)
      return { writes: [...writes].sort(), reads: [...reads].sort() }
    }
    expect(scan('$state.a = $state.b + 1; if ($state.c === 2) $state.d++; ++$state.e; $state.f <= 3')).toEqual({
      writes: ['a', 'd', 'e'],
      reads: ['b', 'c', 'd', 'e', 'f'],
    })
    expect(scan('$state.total += $args.n; $state.items = [...$state.items, x]')).toEqual({
      writes: ['items', 'total'],
      reads: ['items', 'total'],
    })
  })
})
