import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  applyBinary,
  applyUnary,
  BINARY_OPERATORS,
  binaryOperator,
  UNARY_OPERATORS,
  unaryOperator,
} from './operators.ts'
import { parseTier0, tier0Subset } from './tier0/parse.ts'

const primitive = fc.oneof(
  fc.string({ maxLength: 4 }),
  fc.constantFrom('', '0', '1', ' 2 ', 'x', '-0'),
  fc.double(),
  fc.integer({ min: -5, max: 5 }),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
)

// The oracle is JavaScript itself, written out once per token (not through the table).
const JS: Record<string, (a: any, b: any) => unknown> = {
  '??': (a, b) => a ?? b,
  '||': (a, b) => a || b,
  '&&': (a, b) => a && b,
  '===': (a, b) => a === b,
  '!==': (a, b) => a !== b,
  '==': (a, b) => a == b,
  '!=': (a, b) => a != b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
}

describe('the operator table', () => {
  test('each entry sits at its own code and is found by its token', () => {
    BINARY_OPERATORS.forEach((op, i) => {
      expect(op.code).toBe(i)
      expect(binaryOperator(op.token)).toBe(op)
    })
    UNARY_OPERATORS.forEach((op, i) => {
      expect(op.code).toBe(i)
      expect(unaryOperator(op.token)).toBe(op)
    })
    expect(Object.keys(JS).sort()).toEqual(BINARY_OPERATORS.map((op) => op.token).sort())
    expect(binaryOperator('**')).toBeUndefined()
    expect(binaryOperator('=')).toBeUndefined()
  })

  test('binding powers follow JavaScript: * over + over < over === over && over || and ??', () => {
    const p = (t: string): number => binaryOperator(t)!.precedence
    expect(p('*')).toBeGreaterThan(p('+'))
    expect(p('+')).toBeGreaterThan(p('<'))
    expect(p('<')).toBeGreaterThan(p('==='))
    expect(p('===')).toBeGreaterThan(p('&&'))
    expect(p('&&')).toBeGreaterThan(p('||'))
    expect(p('??')).toBe(p('||'))
  })

  test('applyBinary and applyUnary compute what JavaScript computes on primitives', () => {
    fc.assert(
      fc.property(fc.constantFrom(...BINARY_OPERATORS), primitive, primitive, (op, a, b) => {
        expect(Object.is(applyBinary(op.code, a, b), JS[op.token]!(a, b))).toBe(true)
      }),
      { numRuns: 3000 },
    )
    fc.assert(
      fc.property(primitive, (v) => {
        const n = v as number
        expect(Object.is(applyUnary(unaryOperator('!')!.code, v), !v)).toBe(true)
        expect(Object.is(applyUnary(unaryOperator('-')!.code, v), -n)).toBe(true)
        expect(Object.is(applyUnary(unaryOperator('+')!.code, v), +n)).toBe(true)
        expect(applyUnary(unaryOperator('typeof')!.code, v)).toBe(typeof v)
      }),
    )
  })
})

describe('tier0Subset', () => {
  test('accepts the subset with its program, the same parseTier0 returns', () => {
    const subset = tier0Subset('$state.count += $args.step')
    expect(subset.ok).toBe(true)
    if (subset.ok)
      expect(subset.program.body[0]).toMatchObject({ kind: 'assign', op: '+', code: binaryOperator('+')!.code })
    expect(parseTier0('$state.count += $args.step')).toEqual(subset.ok && subset.program)
  })

  test('says why a handler is not tier 0, naming the token and its offset', () => {
    expect(tier0Subset('for (;;) {}')).toEqual({ ok: false, reason: '"for" at offset 0 is outside the tier-0 subset' })
    expect(tier0Subset('$state.a = $args.b\n$emit("x")')).toEqual({
      ok: false,
      reason: '"$emit" at offset 19 is outside the tier-0 subset',
    })
    expect(tier0Subset('$state.a = 1 ?? 2 || 3')).toEqual({
      ok: false,
      reason: '"||" at offset 18 is outside the tier-0 subset',
    })
    expect(tier0Subset('$state.a =')).toEqual({ ok: false, reason: 'ends where tier 0 expects more' })
    expect(tier0Subset('$state.a = `x`')).toMatchObject({ ok: false, reason: expect.stringContaining('template') })
    expect(tier0Subset('x'.repeat(5000))).toEqual({ ok: false, reason: 'longer than 4096 characters' })
    expect(tier0Subset(`$state.a = ${'('.repeat(40)}1${')'.repeat(40)}`)).toEqual({
      ok: false,
      reason: 'nested more than 32 deep',
    })
  })
})
