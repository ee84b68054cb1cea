import type { BinaryOperator, Expr, ExprError, ExprResult, ExprSpan, ObjectProperty } from './ast.ts'
import { type ExprToken, ExprTokenKind, tokenize } from './tokenizer.ts'
import { setBounded } from '../util/textCache.ts'

/** Binding power of each infix operator; higher binds tighter. The ternary sits below all of them. */
const BINARY_PRECEDENCE: Partial<Record<string, number>> = {
  '??': 1,
  '||': 1,
  '&&': 2,
  '===': 3,
  '!==': 3,
  '==': 3,
  '!=': 3,
  '<': 4,
  '<=': 4,
  '>': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
}
const UNARY_PRECEDENCE = 7
const MAX_DEPTH = 200
/** Bounds the tree's size and depth (long `a + b + ...` chains nest without recursion in the parser). */
const MAX_TOKENS = 2000

class ExprSyntaxError extends Error {
  constructor(readonly detail: ExprError) {
    super(detail.message)
  }
}

const cache = new Map<string, ExprResult<Expr>>()
const CACHE_LIMIT = 5000

/** Forgets every parsed expression (see `clearNxmlCaches`). */
export function clearExpressionCache(): void {
  cache.clear()
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

function parseUncached(src: string): ExprResult<Expr> {
  const { tokens, error } = tokenize(src)
  if (error) return { ok: false, error }
  if (tokens.length > MAX_TOKENS) {
    return {
      ok: false,
      error: { message: `Expression is too long (over ${MAX_TOKENS} tokens)`, span: { start: 0, end: src.length } },
    }
  }
  try {
    const parser = new Parser(tokens)
    const expr = parser.parseExpression(0)
    parser.expectEnd()
    return { ok: true, value: expr }
  } catch (e) {
    if (e instanceof ExprSyntaxError) return { ok: false, error: e.detail }
    throw e
  }
}

class Parser {
  private index = 0
  private depth = 0

  constructor(private readonly tokens: ExprToken[]) {}

  parseExpression(minPrecedence: number): Expr {
    if (++this.depth > MAX_DEPTH) this.fail('Expression is nested too deeply', this.peek().span)
    let left = this.parseUnary()
    for (;;) {
      const token = this.peek()
      if (token.kind !== ExprTokenKind.Punctuator) break
      if (token.text === '?' && minPrecedence === 0) {
        left = this.parseConditional(left)
        continue
      }
      const precedence = BINARY_PRECEDENCE[token.text]
      if (precedence === undefined || precedence <= minPrecedence) break
      this.index++
      const right = this.parseExpression(precedence)
      left = { kind: 'Binary', operator: token.text as BinaryOperator, left, right, span: join(left.span, right.span) }
    }
    this.depth--
    return left
  }

  expectEnd(): void {
    const token = this.peek()
    if (token.kind === ExprTokenKind.EndOfInput) return
    if (token.text === '=') this.fail('Assignment is not allowed in an expression (did you mean "==="?)', token.span)
    this.fail(`Unexpected "${token.text}"`, token.span)
  }

  private parseConditional(test: Expr): Expr {
    this.index++ // '?'
    const consequent = this.parseExpression(0)
    this.expect(':')
    const alternate = this.parseExpression(0)
    return { kind: 'Conditional', test, consequent, alternate, span: join(test.span, alternate.span) }
  }

  private parseUnary(): Expr {
    const token = this.peek()
    if (token.kind === ExprTokenKind.Punctuator && (token.text === '!' || token.text === '-' || token.text === '+')) {
      this.index++
      const argument = this.parseExpression(UNARY_PRECEDENCE)
      return { kind: 'Unary', operator: token.text, argument, span: join(token.span, argument.span) }
    }
    return this.parsePostfix(this.parsePrimary())
  }

  private parsePostfix(expr: Expr): Expr {
    for (;;) {
      const token = this.peek()
      const optional = token.text === '?.' && token.kind === ExprTokenKind.Punctuator
      if (token.kind !== ExprTokenKind.Punctuator) return expr
      if (token.text === '.' || optional) {
        this.index++
        const next = this.peek()
        if (optional && next.text === '(' && next.kind === ExprTokenKind.Punctuator) {
          expr = this.parseCall(expr, true)
        } else if (optional && next.text === '[' && next.kind === ExprTokenKind.Punctuator) {
          expr = this.parseIndex(expr, true)
        } else {
          const name = this.expectIdentifier('a property name')
          const property: Expr = { kind: 'Literal', value: name.text, span: name.span }
          expr = { kind: 'Member', object: expr, property, computed: false, optional, span: join(expr.span, name.span) }
        }
      } else if (token.text === '[') {
        expr = this.parseIndex(expr, false)
      } else if (token.text === '(') {
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
    return { kind: 'Member', object, property, computed: true, optional, span: join(object.span, end.span) }
  }

  private parseCall(callee: Expr, optional: boolean): Expr {
    this.expect('(')
    const args = this.parseList(')')
    const end = this.expect(')')
    return { kind: 'Call', callee, args, optional, span: join(callee.span, end.span) }
  }

  private parsePrimary(): Expr {
    const token = this.peek()
    switch (token.kind) {
      case ExprTokenKind.Number:
      case ExprTokenKind.String:
        this.index++
        return { kind: 'Literal', value: token.value, span: token.span }
      case ExprTokenKind.Identifier:
        return this.parseIdentifierOrArrow(token)
      case ExprTokenKind.EndOfInput:
        return this.fail('Expected an expression', token.span)
      case ExprTokenKind.Punctuator:
        return this.parsePunctuatorPrimary(token)
    }
  }

  private parseIdentifierOrArrow(token: ExprToken): Expr {
    if (this.peekAt(1).text === '=>') {
      this.index += 2
      return this.parseArrowBody([token.text], token.span)
    }
    this.index++
    switch (token.text) {
      case 'true':
        return { kind: 'Literal', value: true, span: token.span }
      case 'false':
        return { kind: 'Literal', value: false, span: token.span }
      case 'null':
        return { kind: 'Literal', value: null, span: token.span }
      case 'undefined':
        return { kind: 'Literal', value: undefined, span: token.span }
      case 'new':
      case 'function':
      case 'this':
      case 'class':
      case 'delete':
      case 'typeof':
      case 'void':
      case 'in':
        return this.fail(`"${token.text}" is not supported in expressions`, token.span)
    }
    return { kind: 'Identifier', name: token.text, span: token.span }
  }

  private parsePunctuatorPrimary(token: ExprToken): Expr {
    if (token.text === '(') {
      const params = this.arrowParams()
      if (params) return this.parseArrowBody(params, token.span)
      this.index++
      const inner = this.parseExpression(0)
      this.expect(')')
      return inner
    }
    if (token.text === '[') {
      this.index++
      const elements = this.parseList(']')
      const end = this.expect(']')
      return { kind: 'Array', elements, span: join(token.span, end.span) }
    }
    if (token.text === '{') return this.parseObject(token)
    if (token.text === '...') return this.fail('Spread syntax is not supported', token.span)
    return this.fail(`Unexpected "${token.text}"`, token.span)
  }

  /** When the tokens at `(` are `(a, b) =>`, consumes them and returns the parameter names. */
  private arrowParams(): string[] | undefined {
    const params: string[] = []
    let i = this.index + 1
    while (this.tokens[i]?.kind === ExprTokenKind.Identifier) {
      params.push(this.tokens[i]!.text)
      i++
      if (this.tokens[i]?.text !== ',') break
      i++
    }
    if (this.tokens[i]?.text !== ')' || this.tokens[i + 1]?.text !== '=>') return undefined
    this.index = i + 2
    return params
  }

  private parseArrowBody(params: string[], start: ExprSpan): Expr {
    if (this.peek().text === '{')
      this.fail('Arrow functions must have an expression body, not a block', this.peek().span)
    const body = this.parseExpression(0)
    return { kind: 'Arrow', params, body, span: join(start, body.span) }
  }

  private parseObject(open: ExprToken): Expr {
    this.index++
    const properties: ObjectProperty[] = []
    while (this.peek().text !== '}' || this.peek().kind !== ExprTokenKind.Punctuator) {
      const key = this.peek()
      if (key.kind === ExprTokenKind.EndOfInput) break
      if (key.kind === ExprTokenKind.Punctuator) this.fail(`Expected a property name but found "${key.text}"`, key.span)
      this.index++
      const name = key.kind === ExprTokenKind.Identifier ? key.text : String(key.value)
      if (this.peek().text === ':') {
        this.index++
        properties.push({ key: name, value: this.parseExpression(0) })
      } else if (key.kind === ExprTokenKind.Identifier) {
        properties.push({ key: name, value: { kind: 'Identifier', name, span: key.span } })
      } else {
        this.fail('Expected ":" after the property name', this.peek().span)
      }
      if (this.peek().text !== ',') break
      this.index++
    }
    const end = this.expect('}')
    return { kind: 'Object', properties, span: join(open.span, end.span) }
  }

  private parseList(close: string): Expr[] {
    const items: Expr[] = []
    while (this.peek().text !== close) {
      if (this.peek().kind === ExprTokenKind.EndOfInput) break
      items.push(this.parseExpression(0))
      if (this.peek().text !== ',') break
      this.index++
    }
    return items
  }

  private expect(text: string): ExprToken {
    const token = this.peek()
    if (token.kind !== ExprTokenKind.Punctuator || token.text !== text) {
      const found = token.kind === ExprTokenKind.EndOfInput ? 'the end of the expression' : `"${token.text}"`
      this.fail(`Expected "${text}" but found ${found}`, token.span)
    }
    this.index++
    return token
  }

  private expectIdentifier(what: string): ExprToken {
    const token = this.peek()
    if (token.kind !== ExprTokenKind.Identifier) this.fail(`Expected ${what}`, token.span)
    this.index++
    return token
  }

  private peek(): ExprToken {
    return this.peekAt(0)
  }

  private peekAt(offset: number): ExprToken {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)]!
  }

  private fail(message: string, span: ExprSpan): never {
    throw new ExprSyntaxError({ message, span })
  }
}

function join(a: ExprSpan, b: ExprSpan): ExprSpan {
  return { start: a.start, end: b.end }
}
