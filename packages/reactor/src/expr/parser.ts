import { binaryOperator, unaryOperator, UNARY_PRECEDENCE } from '@nexus/protocol'
import type { BinaryOperator, Expr, ExprError, ExprResult, ExprSpan, ObjectProperty } from './ast.ts'
import { ExprTokenKind, ExprTokens, tokenize } from './tokenizer.ts'
import { setBounded } from '../util/textCache.ts'

// Binding powers come from protocol's operator table (BINARY_OPERATORS); the ternary sits below all of them.
const MAX_DEPTH = 200
/** Bounds the tree's size and depth (long `a + b + ...` chains nest without recursion in the parser). */
const MAX_TOKENS = 2000

class ExprSyntaxError extends Error {
  constructor(readonly detail: ExprError) {
    super(detail.message)
  }
}

let cache = new Map<string, ExprResult<Expr>>()
const CACHE_LIMIT = 5000

/** Forgets every parsed expression (see `clearNxmlCaches`). */
export function clearExpressionCache(): void {
  cache = new Map() // a new map, not `clear()`: see `util/textCache.ts`
}

/**
 * Parses an expression of the safe JavaScript subset. Results (and failures) are cached by source text.
 * @example parseExpression('$state.items.filter(t => !t.done).length')
 */
export function parseExpression(src: string): ExprResult<Expr> {
  const cached = cache.get(src)
  if (cached) return cached
  const result = parseUncached(src)
  setBounded(cache, CACHE_LIMIT, src, result)
  return result
}

const TOKENS = new ExprTokens()

function parseUncached(src: string): ExprResult<Expr> {
  try {
    return parseTokens(src)
  } finally {
    TOKENS.release()
  }
}

function parseTokens(src: string): ExprResult<Expr> {
  const error = tokenize(src, TOKENS)
  if (error) return { ok: false, error }
  if (TOKENS.count > MAX_TOKENS) {
    return {
      ok: false,
      error: { message: `Expression is too long (over ${MAX_TOKENS} tokens)`, span: { start: 0, end: src.length } },
    }
  }
  try {
    const parser = new Parser(TOKENS)
    const expr = parser.parseExpression(0)
    parser.expectEnd()
    return { ok: true, value: expr }
  } catch (e) {
    if (e instanceof ExprSyntaxError) return { ok: false, error: e.detail }
    throw e
  }
}

/**
 * Pratt parser over the token arrays. Tokens are addressed by index (`at(0)` is the current one, clamped to
 * the end-of-input token); a token's span becomes an object only when a node or an error takes it.
 */
class Parser {
  private index = 0
  private depth = 0
  private readonly last: number
  private readonly kinds: ExprTokenKind[]
  private readonly texts: string[]

  constructor(private readonly tokens: ExprTokens) {
    this.last = tokens.count - 1
    this.kinds = tokens.kinds
    this.texts = tokens.texts
  }

  parseExpression(minPrecedence: number): Expr {
    if (++this.depth > MAX_DEPTH) this.fail('Expression is nested too deeply', this.spanOf(this.at(0)))
    let left = this.parseUnary()
    for (;;) {
      const token = this.at(0)
      if (this.kinds[token] !== ExprTokenKind.Punctuator) break
      const text = this.texts[token]!
      if (text === '?' && minPrecedence === 0) {
        left = this.parseConditional(left)
        continue
      }
      const op = binaryOperator(text)
      if (op === undefined || op.precedence <= minPrecedence) break
      this.index++
      const right = this.parseExpression(op.precedence)
      const operator = op.token as BinaryOperator
      left = { kind: 'Binary', operator, code: op.code, left, right, span: join(left.span, right.span) }
    }
    this.depth--
    return left
  }

  expectEnd(): void {
    const token = this.at(0)
    if (this.kinds[token] === ExprTokenKind.EndOfInput) return
    const text = this.texts[token]!
    if (text === '=') this.fail('Assignment is not allowed in an expression (did you mean "==="?)', this.spanOf(token))
    this.fail(`Unexpected "${text}"`, this.spanOf(token))
  }

  private parseConditional(test: Expr): Expr {
    this.index++ // '?'
    const consequent = this.parseExpression(0)
    this.expect(':')
    const alternate = this.parseExpression(0)
    return { kind: 'Conditional', test, consequent, alternate, span: join(test.span, alternate.span) }
  }

  private parseUnary(): Expr {
    const token = this.at(0)
    const text = this.texts[token]
    if (this.kinds[token] === ExprTokenKind.Punctuator && (text === '!' || text === '-' || text === '+')) {
      this.index++
      const argument = this.parseExpression(UNARY_PRECEDENCE)
      const span = { start: this.tokens.starts[token]!, end: argument.span.end }
      return { kind: 'Unary', operator: text, code: unaryOperator(text)!.code, argument, span }
    }
    return this.parsePostfix(this.parsePrimary())
  }

  private parsePostfix(expr: Expr): Expr {
    for (;;) {
      const token = this.at(0)
      if (this.kinds[token] !== ExprTokenKind.Punctuator) return expr
      const text = this.texts[token]
      const optional = text === '?.'
      if (text === '.' || optional) {
        this.index++
        const next = this.at(0)
        const nextText = this.kinds[next] === ExprTokenKind.Punctuator ? this.texts[next] : undefined
        if (optional && nextText === '(') {
          expr = this.parseCall(expr, true)
        } else if (optional && nextText === '[') {
          expr = this.parseIndex(expr, true)
        } else {
          const name = this.expectIdentifier('a property name')
          const span = this.spanOf(name)
          const property: Expr = { kind: 'Literal', value: this.texts[name], span }
          expr = { kind: 'Member', object: expr, property, computed: false, optional, span: join(expr.span, span) }
        }
      } else if (text === '[') {
        expr = this.parseIndex(expr, false)
      } else if (text === '(') {
        expr = this.parseCall(expr, false)
      } else {
        return expr
      }
    }
  }

  private parseIndex(object: Expr, optional: boolean): Expr {
    this.expect('[')
    const property = this.parseExpression(0)
    const end = this.expect(']')
    const span = { start: object.span.start, end: this.tokens.ends[end]! }
    return { kind: 'Member', object, property, computed: true, optional, span }
  }

  private parseCall(callee: Expr, optional: boolean): Expr {
    this.expect('(')
    const args = this.parseList(')')
    const end = this.expect(')')
    return { kind: 'Call', callee, args, optional, span: { start: callee.span.start, end: this.tokens.ends[end]! } }
  }

  private parsePrimary(): Expr {
    const token = this.at(0)
    switch (this.kinds[token]!) {
      case ExprTokenKind.Number:
      case ExprTokenKind.String:
        this.index++
        return { kind: 'Literal', value: this.tokens.values[token], span: this.spanOf(token) }
      case ExprTokenKind.Identifier:
        return this.parseIdentifierOrArrow(token)
      case ExprTokenKind.EndOfInput:
        return this.fail('Expected an expression', this.spanOf(token))
      case ExprTokenKind.Punctuator:
        return this.parsePunctuatorPrimary(token)
    }
  }

  private parseIdentifierOrArrow(token: number): Expr {
    const name = this.texts[token]!
    if (this.texts[this.at(1)] === '=>') {
      this.index += 2
      return this.parseArrowBody([name], this.tokens.starts[token]!)
    }
    this.index++
    const span = this.spanOf(token)
    switch (name) {
      case 'true':
        return { kind: 'Literal', value: true, span }
      case 'false':
        return { kind: 'Literal', value: false, span }
      case 'null':
        return { kind: 'Literal', value: null, span }
      case 'undefined':
        return { kind: 'Literal', value: undefined, span }
      case 'new':
      case 'function':
      case 'this':
      case 'class':
      case 'delete':
      case 'typeof':
      case 'void':
      case 'in':
        return this.fail(`"${name}" is not supported in expressions`, span)
    }
    return { kind: 'Identifier', name, span }
  }

  private parsePunctuatorPrimary(token: number): Expr {
    const text = this.texts[token]
    if (text === '(') {
      const params = this.arrowParams()
      if (params) return this.parseArrowBody(params, this.tokens.starts[token]!)
      this.index++
      const inner = this.parseExpression(0)
      this.expect(')')
      return inner
    }
    if (text === '[') {
      this.index++
      const elements = this.parseList(']')
      const end = this.expect(']')
      return { kind: 'Array', elements, span: { start: this.tokens.starts[token]!, end: this.tokens.ends[end]! } }
    }
    if (text === '{') return this.parseObject(token)
    if (text === '...') return this.fail('Spread syntax is not supported', this.spanOf(token))
    return this.fail(`Unexpected "${text}"`, this.spanOf(token))
  }

  /** When the tokens at `(` are `(a, b) =>`, consumes them and returns the parameter names. */
  private arrowParams(): string[] | undefined {
    const params: string[] = []
    const count = this.tokens.count
    let i = this.index + 1
    while (i < count && this.kinds[i] === ExprTokenKind.Identifier) {
      params.push(this.texts[i]!)
      i++
      if (i >= count || this.texts[i] !== ',') break
      i++
    }
    if (i + 1 >= count || this.texts[i] !== ')' || this.texts[i + 1] !== '=>') return undefined
    this.index = i + 2
    return params
  }

  private parseArrowBody(params: string[], start: number): Expr {
    const next = this.at(0)
    if (this.texts[next] === '{')
      this.fail('Arrow functions must have an expression body, not a block', this.spanOf(next))
    const body = this.parseExpression(0)
    return { kind: 'Arrow', params, body, span: { start, end: body.span.end } }
  }

  private parseObject(open: number): Expr {
    this.index++
    const properties: ObjectProperty[] = []
    for (;;) {
      const key = this.at(0)
      const kind = this.kinds[key]
      if (this.texts[key] === '}' && kind === ExprTokenKind.Punctuator) break
      if (kind === ExprTokenKind.EndOfInput) break
      if (kind === ExprTokenKind.Punctuator)
        this.fail(`Expected a property name but found "${this.texts[key]}"`, this.spanOf(key))
      this.index++
      const name = kind === ExprTokenKind.Identifier ? this.texts[key]! : String(this.tokens.values[key])
      if (this.texts[this.at(0)] === ':') {
        this.index++
        properties.push({ key: name, value: this.parseExpression(0) })
      } else if (kind === ExprTokenKind.Identifier) {
        properties.push({ key: name, value: { kind: 'Identifier', name, span: this.spanOf(key) } })
      } else {
        this.fail('Expected ":" after the property name', this.spanOf(this.at(0)))
      }
      if (this.texts[this.at(0)] !== ',') break
      this.index++
    }
    const end = this.expect('}')
    return { kind: 'Object', properties, span: { start: this.tokens.starts[open]!, end: this.tokens.ends[end]! } }
  }

  private parseList(close: string): Expr[] {
    const items: Expr[] = []
    for (;;) {
      const token = this.at(0)
      if (this.texts[token] === close || this.kinds[token] === ExprTokenKind.EndOfInput) break
      items.push(this.parseExpression(0))
      if (this.texts[this.at(0)] !== ',') break
      this.index++
    }
    return items
  }

  /** Consumes the punctuator `text` and returns its index, or fails. */
  private expect(text: string): number {
    const token = this.at(0)
    if (this.kinds[token] !== ExprTokenKind.Punctuator || this.texts[token] !== text) {
      const found =
        this.kinds[token] === ExprTokenKind.EndOfInput ? 'the end of the expression' : `"${this.texts[token]}"`
      this.fail(`Expected "${text}" but found ${found}`, this.spanOf(token))
    }
    this.index++
    return token
  }

  private expectIdentifier(what: string): number {
    const token = this.at(0)
    if (this.kinds[token] !== ExprTokenKind.Identifier) this.fail(`Expected ${what}`, this.spanOf(token))
    this.index++
    return token
  }

  /** The index of the token `offset` after the current one, clamped to the end-of-input token. */
  private at(offset: number): number {
    const i = this.index + offset
    return i < this.last ? i : this.last
  }

  private spanOf(token: number): ExprSpan {
    return { start: this.tokens.starts[token]!, end: this.tokens.ends[token]! }
  }

  private fail(message: string, span: ExprSpan): never {
    throw new ExprSyntaxError({ message, span })
  }
}

function join(a: ExprSpan, b: ExprSpan): ExprSpan {
  return { start: a.start, end: b.end }
}
