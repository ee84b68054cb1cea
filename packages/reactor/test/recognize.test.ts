import { describe, expect, it } from 'vitest'
import { expressionPaths } from '../src/expr/recognize.ts'
import { readBinding } from '../src/expr/binding.ts'
import { clearNxmlCaches, compileNxml, parseBinding, parseExpression } from '../src/index.ts'
import { statePathsOf } from '../src/expr/collect.ts'
import { DIAGNOSTIC_CODES } from '../src/nxml/diagnosticCodes.ts'

// The validator reads expressions with a recognizer that builds no tree; it must accept exactly what the
// parser accepts and report exactly the paths `statePathsOf` finds on the parser's tree, in the same order.

/** What the parser and the tree walk say: the paths, or `undefined` for an invalid expression. */
function fromTree(src: string) {
  const parsed = parseExpression(src)
  return parsed.ok ? statePathsOf(parsed.value) : undefined
}

describe('expressionPaths, without a tree', () => {
  it('records a state chain after its dynamic keys are read, those outermost first', () => {
    const src = '$state.a[$state.x].b[$computed.y + $state.z]'
    expect(expressionPaths(src)).toEqual([
      { root: '$state', path: ['a'] },
      { root: '$computed', path: ['y'] },
      { root: '$state', path: ['z'] },
      { root: '$state', path: ['x'] },
    ])
    expect(expressionPaths(src)).toEqual(fromTree(src))
  })

  it.each([
    '$state.items.filter(t => !t.done).length',
    '($state.a).b["c"][0][true].d',
    '$state.a.b(1).c[$state.k]',
    '$state[k](x)',
    '$computed?.x?.[1]?.(y)',
    '($state, b) => $state.a + $computed.b',
    '{ $state, k: $computed.c, 2: x }',
    '[$state.a, $state.a, $state.b] ? -$state.n : ($state.m)',
    '$state.a["x\\u0000y"] + $state["a"].x',
    "$state[''] + $state",
  ])('agrees with the parser on %s', (src) => {
    expect(expressionPaths(src)).toEqual(fromTree(src))
    expect(expressionPaths(src)).not.toBeUndefined()
  })

  it.each([
    '',
    '$state.',
    'a = 1',
    'x => { y }',
    'new X()',
    '(a, b',
    '{ "k" }',
    '...a',
    '[1,,2]',
    `${'('.repeat(201)}1${')'.repeat(201)}`,
  ])('rejects %s as the parser does', (src) => {
    expect(fromTree(src)).toBeUndefined()
    expect(expressionPaths(src)).toBeUndefined()
  })

  it('agrees with the parser on 20,000 generated expressions, valid and broken', () => {
    let seed = 12
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!
    const expr = (depth: number): string => {
      if (depth > 3) return pick(['$state', '$computed', 'x', '1', '"a"', 'true', 'undefined', '$state.a'])
      switch (Math.floor(random() * 10)) {
        case 0:
          return `${expr(depth + 1)}${pick([' + ', ' && ', ' ?? ', ' === '])}${expr(depth + 1)}`
        case 1:
          return `${pick(['-', '!'])}${expr(depth + 1)}`
        case 2:
          return `(${expr(depth + 1)})`
        case 3:
          return `${expr(depth + 1)} ? ${expr(depth + 1)} : ${expr(depth + 1)}`
        case 4:
          return `${pick(['x', '$state', '($computed, y)'])} => ${expr(depth + 1)}`
        case 5:
          return `[${expr(depth + 1)}, ${expr(depth + 1)}]`
        case 6:
          return `{ k: ${expr(depth + 1)}${pick(['', ', $state', ', "q": 1'])} }`
        default: {
          let chain = pick(['$state', '$computed', 'x', '($state.p)', '"s"'])
          for (let i = Math.floor(random() * 4); i >= 0; i--) {
            const r = random()
            if (r < 0.4) chain += `${pick(['.', '?.'])}${pick(['a', 'length', 'map'])}`
            else if (r < 0.7) chain += `${pick(['[', '?.['])}${pick(['0', '"k"', 'null', '-1', expr(depth + 1)])}]`
            else chain += `${pick(['(', '?.('])}${random() < 0.5 ? expr(depth + 1) : ''})`
          }
          return chain
        }
      }
    }
    const breakers = ['', '(', ')', '[', ']', '{', '}', ',', '.', '=>', '=', ':', '?']
    let valid = 0
    for (let i = 0; i < 20000; i++) {
      let src = expr(0)
      if (i % 3 === 0) {
        const at = Math.floor(random() * (src.length + 1))
        src = src.slice(0, at) + pick(breakers) + src.slice(at + 1)
      }
      const want = fromTree(src)
      if (want) valid++
      expect(expressionPaths(src), src).toEqual(want)
    }
    expect(valid).toBeGreaterThan(10000)
  })
})

describe('readBinding', () => {
  it('gives the parts and paths parseBinding does, and nothing for a broken value', () => {
    expect(readBinding('Total: {$state.n} of {$computed.all.length}')).toEqual({
      parts: [
        { source: '$state.n', offset: 8 },
        { source: '$computed.all.length', offset: 22 },
      ],
      paths: [
        { root: '$state', path: ['n'] },
        { root: '$computed', path: ['all', 'length'] },
      ],
    })
    expect(readBinding('{"}"} {$state.a +}')).toBeUndefined()
    expect(parseBinding('{"}"} {$state.a +}').ok).toBe(false)
    expect(readBinding('{$state.a')).toBeUndefined()
  })
})

describe('the validator reads expressions without trees', () => {
  const panel = (computed: string, content: string, args: string) => `<NexusPanel title="t" version="1.0.0">
  <Data>
    <State name="n" type="number" default="0" />
    <Computed name="c" value="${computed}" />
  </Data>
  <Logic>
    <Tool name="t"><Handler>$state.n = $args.k</Handler></Tool>
  </Logic>
  <View>
    <Text content="${content}" />
    <Button label="b" trigger="t" args="${args}" />
  </View>
</NexusPanel>`
  const syntaxErrors = (src: string) => {
    clearNxmlCaches()
    return compileNxml(src)
      .diagnostics.filter((d) => d.code === DIAGNOSTIC_CODES.EXPRESSION_SYNTAX.code)
      .map((d) => d.message)
  }
  const errorOf = (parsed: { ok: boolean; error?: { message: string } }) => parsed.error?.message

  it('reports the parser’s own error for a broken computed, binding and expression attribute', () => {
    expect(syntaxErrors(panel('$state.n +', 'Total {$state.n + }', '{ k: $state.n }x'))).toEqual([
      `At computeds[0] (c): ${errorOf(parseExpression('$state.n +'))}`,
      `At view[0].content: ${errorOf(parseBinding('Total {$state.n + }'))}`,
      `At view[1].args: ${errorOf(parseExpression('{ k: $state.n }x'))}`,
    ])
  })

  it('accepts an expression attribute written as one {binding}, and nothing around it', () => {
    expect(syntaxErrors(panel('$state.n * 2', '{$state.n}', '{{ k: $state.n }}'))).toEqual([])
    expect(syntaxErrors(panel('$state.n * 2', '{$state.n}', '{{ k: 1 }} '))).toHaveLength(1)
  })
})
