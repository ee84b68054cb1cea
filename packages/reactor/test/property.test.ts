import type { PanelAst, StateType, ViewNode } from '@nexus/protocol'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compileNxml, parseExpression, parseNxml, serializeNxml, stripSpans } from '../src/index.ts'
import { caseNames, readCase } from './baseline.ts'

const span = { start: 0, end: 0 }
const RUNS = process.env.CI ? 10_000 : 300

const identifier = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/)
const tagName = fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,8}$/).filter((n) => n !== 'Handler')
/** JSON as it survives a text round trip (no -0). */
const json = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown)
const anyText = fc.string({ unit: 'binary', maxLength: 40 })

const state = fc.constantFrom<StateType>('string', 'number', 'boolean', 'list', 'object').chain((type) => {
  const value = {
    string: anyText,
    number: fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
    boolean: fc.boolean(),
    list: fc.array(json, { maxLength: 3 }),
    object: fc.dictionary(fc.string({ maxLength: 5 }), json, { maxKeys: 3 }),
  }[type]
  return fc
    .record({ name: identifier, value })
    .map(({ name, value }) => ({ kind: 'State' as const, name, type, default: value as never, span }))
})

const tool = fc
  .record({
    name: identifier,
    description: fc.option(anyText, { nil: undefined }),
    args: fc.array(
      fc.record({ name: identifier, type: fc.constantFrom<StateType>('number', 'string'), required: fc.boolean() }),
      { maxLength: 2 },
    ),
    capabilities: fc.option(
      fc.array(fc.record({ type: fc.constantFrom('state:write', 'events:emit'), scope: anyText }), { maxLength: 2 }),
      { nil: undefined },
    ),
    code: anyText,
  })
  .map(({ name, description, args, capabilities, code }) => ({
    kind: 'Tool' as const,
    name,
    ...(description === undefined ? {} : { description }),
    args: args.map((a) => ({ kind: 'Arg' as const, ...a, span })),
    ...(capabilities === undefined
      ? {}
      : { capabilities: capabilities.map((c) => ({ kind: 'Capability' as const, ...c, span })) }),
    handler: { kind: 'Handler' as const, code, line: 1, span },
    span,
  }))

const viewNode: fc.Memo<ViewNode> = fc.memo((depth) =>
  fc
    .record({
      type: tagName,
      attrs: fc.dictionary(identifier, anyText, { maxKeys: 3 }),
      children: depth > 1 ? fc.array(viewNode(depth - 1), { maxLength: 3 }) : fc.constant<ViewNode[]>([]),
    })
    .map(({ type, attrs, children }): ViewNode => ({ kind: 'Component', type, attrs, children, span })),
)

const panel: fc.Arbitrary<PanelAst> = fc
  .record({
    title: anyText,
    version: anyText,
    states: fc.array(state, { maxLength: 4 }),
    computeds: fc.array(
      fc.record({ name: identifier, value: anyText }).map((c) => ({ kind: 'Computed' as const, ...c, span })),
      { maxLength: 3 },
    ),
    tools: fc.array(tool, { maxLength: 3 }),
    view: fc.array(viewNode(3), { maxLength: 3 }),
  })
  .map((p) => ({ kind: 'NexusPanel' as const, ...p, span }))

/** Small edits a person (or a model) makes to a valid panel. */
const mutation = fc.record({
  at: fc.nat(),
  length: fc.nat({ max: 8 }),
  insert: fc.oneof(
    fc.constantFrom('<', '>', '"', "'", '/>', '</', '=', '<!--', ']]>', '<![CDATA[', '{', '}', '&', '\n', ''),
    fc.string({ maxLength: 6 }),
  ),
})

describe('parser robustness (property)', () => {
  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const r = compileNxml(text)
        expect(Array.isArray(r.diagnostics)).toBe(true)
      }),
      { numRuns: RUNS },
    )
  })

  it('never throws on mutated valid panels, and every diagnostic has a position inside the source', () => {
    const sources = caseNames().map(readCase)
    fc.assert(
      fc.property(fc.constantFrom(...sources), fc.array(mutation, { minLength: 1, maxLength: 4 }), (source, edits) => {
        let text = source
        for (const e of edits) {
          const at = e.at % (text.length + 1)
          text = text.slice(0, at) + e.insert + text.slice(at + e.length)
        }
        for (const d of compileNxml(text).diagnostics) {
          expect(d.line).toBeGreaterThanOrEqual(1)
          expect(d.column).toBeGreaterThanOrEqual(1)
          expect(d.span!.end).toBeLessThanOrEqual(text.length)
        }
      }),
      { numRuns: RUNS },
    )
  })

  it('never throws parsing arbitrary expressions', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (src) => void parseExpression(src)),
      { numRuns: RUNS },
    )
  })
})

describe('serializer round trip (property)', () => {
  it('parse(serialize(ast)) equals ast up to spans, with no diagnostics', () => {
    fc.assert(
      fc.property(panel, (ast) => {
        const text = serializeNxml(ast)
        const parsed = parseNxml(text)
        expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
        expect(stripSpans(parsed.ast)).toEqual(stripSpans(ast))
      }),
      { numRuns: RUNS },
    )
  })
})
