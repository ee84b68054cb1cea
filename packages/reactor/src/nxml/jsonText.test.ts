import { describe, expect, it } from 'vitest'
import { jsonKind } from './jsonText.ts'

/** What `jsonKind` must say: `JSON.parse`'s verdict and the top-level kind. */
function expected(text: string): string | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  return Array.isArray(value) ? 'array' : value !== null && typeof value === 'object' ? 'object' : 'other'
}

let seed = 12
/** mulberry32, seeded: the same texts every run. */
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!

const PIECES = [
  '[',
  ']',
  '{',
  '}',
  ',',
  ':',
  '"a"',
  '"\\u00e9"',
  '"\\x"',
  '"\\n"',
  '"',
  '\\',
  '1',
  '-',
  '0',
  '.5',
  'e',
  '+',
  '01',
  '1.',
  '-0.25e+3',
  'true',
  'tru',
  'false',
  'null',
  ' ',
  '\n',
  '\t',
  '\r',
  '\u00a0',
  '\ufeff',
  '\u0001',
  "'x'",
  'x',
]

describe('jsonKind', () => {
  it('answers as JSON.parse does on hand-picked texts', () => {
    const texts = [
      '[]',
      '{}',
      ' [ ] ',
      '[1,]',
      '{"a":1,}',
      '{"a" 1}',
      '[1 2]',
      '"s"',
      '0',
      '-',
      '-0',
      '1e5',
      '1E+5',
      '1e',
      '.5',
      '00',
      '[[[[[]]]]]',
      '[[[[[]]]]',
      '{"a":{"b":[1,{"c":null}]}}',
      '',
      ' ',
      'nul',
      'null ',
      '\ufeff[]',
      '["\u0000"]',
      '["\\ud800"]',
      '{"__proto__":1}',
      '[1]x',
      '[-]',
      '[1.e2]',
      '["a\\/b"]',
      '["\\u12G4"]',
    ]
    for (const text of texts) expect([text, jsonKind(text)]).toEqual([text, expected(text)])
  })

  it('answers as JSON.parse does on 50,000 generated texts and mutants of valid JSON', () => {
    const valid = JSON.stringify({
      id: 1,
      name: 'ember "88"\n',
      tags: ['a', 'b'],
      deep: [[{ x: -1.5e-3 }]],
      ok: true,
      no: null,
    })
    let disagreements = 0
    for (let i = 0; i < 50_000; i++) {
      let text = ''
      if (i % 2 === 0) for (let k = Math.floor(random() * 12); k > 0; k--) text += pick(PIECES)
      else {
        const at = Math.floor(random() * valid.length)
        text =
          random() < 0.5
            ? valid.slice(0, at) + pick(PIECES) + valid.slice(at)
            : valid.slice(0, at) + valid.slice(at + 1)
      }
      if (jsonKind(text) !== expected(text)) disagreements++
    }
    expect(disagreements).toBe(0)
  })

  it('reads deep nesting without recursion', () => {
    expect(jsonKind('['.repeat(100_000) + ']'.repeat(100_000))).toBe('array')
    expect(jsonKind('['.repeat(100_000) + ']'.repeat(99_999))).toBe(undefined)
  })
})
