import { describe, expect, it } from 'vitest'
import { ExprTokens, tokenize } from '../src/expr/tokenizer.ts'
import { analyzeHandler } from '../src/nxml/handlerCode.ts'
import { clearNxmlCaches, collectStatePaths, compileNxml, parseExpression } from '../src/index.ts'

// The cold path reads handlers with one word scan and expressions from reused token arrays; these pin the
// edge cases where that must answer exactly as the regular-expression searches and token objects did.

describe('handler analysis, one word scan', () => {
  it('resumes each search after its last match, as a global regular expression does', () => {
    // `$state. $state` is one access (key `$state`); the second word is inside it.
    expect(analyzeHandler('$state. $state.x = 1').state).toEqual([{ kind: 'write', key: '$state', at: 0, length: 14 }])
    expect(analyzeHandler('$args. $args.foo + $args.bar').args).toEqual([
      { name: '$args', at: 0, length: 12 },
      { name: 'bar', at: 19, length: 9 },
    ])
  })

  it('reports free forbidden globals, not members or object keys', () => {
    expect(analyzeHandler("const o = { process: 1 }; x.eval(); eval('1')").forbidden).toEqual([
      { name: 'eval', at: 36, length: 4 },
    ])
    expect(analyzeHandler('globalThis.fetch(); my_window; window2').forbidden).toEqual([
      { name: 'globalThis', at: 0, length: 10 },
    ])
  })

  it('reads bracket keys, literal emits, and mentions inside strings and comments', () => {
    const a = analyzeHandler("$state['count'] += 1; $state[k] = 2; $emit('saved', 1); $emit(name)\n// $state.gone")
    expect(a.state).toEqual([{ kind: 'write', key: 'count', at: 0, length: 15 }])
    expect(a.emits).toEqual([{ name: 'saved', at: 37, length: 13 }])
    expect(a.mentions).toEqual(['count', 'gone'])
    expect(a.dynamicState).toBe(true)
    expect(analyzeHandler("$log('$state.inText')")).toMatchObject({
      state: [],
      mentions: ['inText'],
      dynamicState: false,
    })
  })
})

describe('expressions from reused token arrays', () => {
  it('reads numbers as the number pattern did, and reports bad ones', () => {
    expect(parseExpression('0x1F + 1.5e+3 + .5 + 1.e5').ok).toBe(true)
    expect(parseExpression('1e')).toEqual({
      ok: false,
      error: { message: 'Invalid number "1e"', span: { start: 0, end: 2 } },
    })
    expect(parseExpression('0x')).toMatchObject({ ok: false, error: { message: 'Invalid number "0x"' } })
  })

  it('gives equal trees before and after the caches are emptied', () => {
    const src = "$state.items.filter((t, i) => !t.done && i < 3).map(t => ({ id: t.id, 'x': [1, -2] }))[0]?.id ?? null"
    const first = parseExpression(src)
    clearNxmlCaches()
    const second = parseExpression(src)
    expect(second).not.toBe(first)
    expect(second).toEqual(first)
  })

  it('collects paths once each, compared as joined keys, with arrow parameters shadowing roots', () => {
    const paths = (src: string) => {
      const p = parseExpression(src)
      if (!p.ok) throw new Error(p.error.message)
      return collectStatePaths(p.value)
    }
    expect(paths('$state.a.b + $state.a.b + $computed.c')).toEqual([
      { root: '$state', path: ['a', 'b'] },
      { root: '$computed', path: ['c'] },
    ])
    expect(paths("$state + $state['']")).toEqual([{ root: '$state', path: [] }])
    expect(paths("$state['a\\u0000b'] + $state.a.b")).toEqual([{ root: '$state', path: ['a\u0000b'] }])
    expect(paths('(($state) => $state.x)')).toEqual([])
    expect(paths('$state.items[$state.i].name')).toEqual([
      { root: '$state', path: ['items'] },
      { root: '$state', path: ['i'] },
    ])
  })
})

describe('the reused token arrays', () => {
  it('keep the slots of ordinary expressions and let go of a huge one', () => {
    const tokens = new ExprTokens()
    expect(tokenize('$state.a + 1', tokens)).toBeUndefined()
    expect(tokens.count).toBe(6)
    tokens.release()
    expect(tokens.kinds.length).toBe(6)
    expect(tokenize('a+'.repeat(3000) + 'b', tokens)).toBeUndefined()
    expect(tokens.count).toBe(6002)
    tokens.release()
    expect([tokens.kinds, tokens.texts, tokens.values, tokens.starts, tokens.ends].map((l) => l.length)).toEqual([
      0, 0, 0, 0, 0,
    ])
    expect(parseExpression('a+'.repeat(3000) + 'b')).toMatchObject({
      ok: false,
      error: { message: 'Expression is too long (over 2000 tokens)' },
    })
  })
})

describe('structured defaults on a cold compile', () => {
  it('gives every panel its own copy, the first one included', () => {
    clearNxmlCaches()
    const src =
      '<NexusPanel title="t"><Data><State name="rows" type="list" default=\'[{"id":1}]\' /></Data>' +
      '<View><Text content="{$state.rows.length}" /></View></NexusPanel>'
    const first = compileNxml(src).ast!.states[0]!.default as { id: number }[]
    first[0]!.id = 99
    const second = compileNxml(src).ast!.states[0]!.default
    const third = compileNxml(src).ast!.states[0]!.default
    expect(second).toEqual([{ id: 1 }])
    expect(third).toEqual([{ id: 1 }])
    expect(third).not.toBe(second)
  })
})
