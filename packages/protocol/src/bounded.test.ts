import { describe, expect, it } from 'vitest'
import { MAX_JSON_DEPTH, jsonTextDepthProblem, valueShapeProblem } from './bounded.ts'

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth)

describe('jsonTextDepthProblem', () => {
  it('accepts text nested up to the limit and refuses one level more', () => {
    expect(jsonTextDepthProblem(nested(MAX_JSON_DEPTH))).toBeUndefined()
    expect(jsonTextDepthProblem(nested(MAX_JSON_DEPTH + 1))).toMatch(/deeper than 64 levels/)
  })

  it('counts objects and arrays alike, in strings and in bytes', () => {
    const text = '{"a":'.repeat(70) + '1' + '}'.repeat(70)
    expect(jsonTextDepthProblem(text)).toMatch(/flatten it/)
    expect(jsonTextDepthProblem(new TextEncoder().encode(text))).toMatch(/flatten it/)
  })

  it('ignores brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ s: '['.repeat(1000) + '\\"[[[' })
    expect(jsonTextDepthProblem(text)).toBeUndefined()
  })

  it('scans megabytes of brackets without recursion', () => {
    expect(jsonTextDepthProblem(nested(1_000_000))).toBeDefined()
  })
})

describe('valueShapeProblem', () => {
  it('refuses a deep value without overflowing the stack', () => {
    let deep: unknown = []
    for (let i = 0; i < 100_000; i++) deep = [deep]
    expect(valueShapeProblem(deep)).toMatch(/deeper than 64/)
    expect(valueShapeProblem({ a: { b: [1, 2, { c: 'x' }] } })).toBeUndefined()
  })

  it('refuses more values than the node budget, wide or deep', () => {
    expect(valueShapeProblem(new Array(200_000).fill(0))).toMatch(/more than 100000 values/)
    expect(valueShapeProblem(new Array(1000).fill(0), { maxNodes: 100 })).toMatch(/more than 100 values/)
    expect(valueShapeProblem(new Array(50).fill(0), { maxNodes: 100 })).toBeUndefined()
  })

  it('honours its own depth limit and treats binary as a leaf', () => {
    expect(valueShapeProblem([[[1]]], { maxDepth: 2 })).toMatch(/deeper than 2/)
    expect(valueShapeProblem({ b: new Uint8Array(10_000) }, { maxNodes: 10 })).toBeUndefined()
  })
})
