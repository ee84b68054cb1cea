import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PathIndex } from './PathIndex.ts'

type Edit = { link: [number, number] } | { unlink: number } | { drop: number }

/** Distance by a plain one-sided BFS over the live edges, the reference. */
function distance(edges: Map<string, [number, number]>, from: number, to: number): number | undefined {
  const seen = new Map([[from, 0]])
  let frontier = [from]
  while (frontier.length > 0) {
    const next: number[] = []
    for (const node of frontier) {
      for (const [a, b] of edges.values()) {
        const other = a === node ? b : b === node ? a : undefined
        if (other === undefined || seen.has(other)) continue
        seen.set(other, seen.get(node)! + 1)
        next.push(other)
      }
    }
    frontier = next
  }
  return seen.get(to)
}

describe('PathIndex', () => {
  it('finds a shortest path as a plain BFS measures it, through links and unlinks', () => {
    const edit: fc.Arbitrary<Edit> = fc.oneof(
      { weight: 6, arbitrary: fc.record({ link: fc.tuple(fc.nat(29), fc.nat(29)) }) },
      { weight: 2, arbitrary: fc.record({ unlink: fc.nat(200) }) },
      { weight: 1, arbitrary: fc.record({ drop: fc.nat(29) }) },
    )
    fc.assert(
      fc.property(
        fc.array(edit, { maxLength: 150 }),
        fc.array(fc.tuple(fc.nat(29), fc.nat(29)), { maxLength: 10 }),
        (edits, queries) => {
          const index = new PathIndex()
          const alive = new Set<number>()
          const edges = new Map<string, [number, number]>()
          for (let n = 0; n < 30; n++) {
            index.addEntity(`e${n}`)
            alive.add(n)
          }
          edits.forEach((e, i) => {
            if ('link' in e) {
              const [a, b] = e.link
              if (a === b || !alive.has(a) || !alive.has(b)) return
              edges.set(`r${i}`, [a, b])
              index.addRelationship(`r${i}`, `e${a}`, `e${b}`)
            } else if ('unlink' in e) {
              const id = [...edges.keys()][e.unlink % Math.max(1, edges.size)]
              if (!id) return
              const [a, b] = edges.get(id)!
              edges.delete(id)
              index.removeRelationship(id, `e${a}`, `e${b}`)
            } else if (alive.has(e.drop)) {
              for (const [id, [a, b]] of edges) {
                if (a !== e.drop && b !== e.drop) continue
                edges.delete(id)
                index.removeRelationship(id, `e${a}`, `e${b}`)
              }
              alive.delete(e.drop)
              index.removeEntity(`e${e.drop}`)
            }
          })
          for (const [from, to] of queries) {
            const found = index.shortestPath(`e${from}`, `e${to}`)
            const want = alive.has(from) && alive.has(to) ? distance(edges, from, to) : undefined
            expect(found && found.relationships.length).toBe(want)
            if (!found) continue
            expect([found.nodes[0], found.nodes.at(-1)]).toEqual([`e${from}`, `e${to}`])
            // Each step follows the relationship it names.
            found.relationships.forEach((id, k) => {
              const ends = edges.get(id)!.map((n) => `e${n}`)
              expect(ends.sort()).toEqual([found.nodes[k]!, found.nodes[k + 1]!].sort())
            })
          }
        },
      ),
      { numRuns: 300 },
    )
  })
})
