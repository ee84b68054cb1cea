import { binaryOperator, UNARY_PRECEDENCE } from '@nexus/protocol'
import { addPath, type StatePath, type StateRoot } from './collect.ts'
import { ExprTokenKind, ExprTokens, tokenize } from './tokenizer.ts'

/**
 * The validator's view of an expression: whether it parses and the `$state` / `$computed` paths it reads,
 * without building the `Expr` tree. A cold compile only needs these facts (panels carry attribute text, and
 * components parse their bindings on first render), and the trees were its largest source of garbage.
 *
 * The recognizer follows `parser.ts` production by production (the same precedences, from protocol's operator
 * table; the same depth and token limits, the same lookahead), and reports the paths `statePathsOf` would find on the tree, in the same
 * order. It says only *that* an expression is invalid: callers ask `parseExpression` for the exact error.
 */

const MAX_DEPTH = 200
const MAX_TOKENS = 2000

const STATE_SHADOWED = 1
const COMPUTED_SHADOWED = 2

/** What a parsed operand is, as far as paths care; every operand but a pending chain has recorded its paths. */
const enum Shape {
  /** Anything whose paths are recorded (or that has none). */
  Done,
  /** A string or number literal: a static key when used as `[key]`; its text is in `Recognizer.key`. */
  Key,
  /** `true`, `false`, `null` or `undefined`: a literal that is no key (ends a path, not walked). */
  Literal,
  /** A member chain rooted at an unshadowed `$state`/`$computed`, not recorded yet: `Recognizer.chain`. */
  Chain,
}

/** A state chain being read: recorded whole when it is used, so later members can still extend it. */
class Chain {
  /** Whether every member so far was a static key (the path grows only while it is). */
  open = true
  /** Whether `path` ends with the last member's name (`.name`): a call on the chain reads without it. */
  lastAppended = false
  /** Paths read by dynamic keys inside the chain, innermost first; recorded after the chain, outermost first. */
  deferred: StatePath[][] | undefined = undefined

  constructor(
    readonly root: StateRoot,
    readonly path: string[],
  ) {}
}

class Invalid extends Error {}
const INVALID = new Invalid()

const TOKENS = new ExprTokens()

/** Parsing is synchronous and never re-enters the recognizer, so one instance serves every call. */
class Recognizer {
  private index = 0
  private depth = 0
  private last = 0
  private shadowed = 0
  private kinds: ExprTokenKind[] = TOKENS.kinds
  private texts: string[] = TOKENS.texts
  /** Where paths are recorded now (a dynamic key inside a state chain records into its own list). */
  private out: StatePath[] = []
  /** The text of the last `Shape.Key` operand. */
  private key = ''
  /** The last `Shape.Chain` operand. */
  private chain: Chain | undefined = undefined

  run(src: string): StatePath[] | undefined {
    if (tokenize(src, TOKENS) || TOKENS.count > MAX_TOKENS) return undefined
    this.index = 0
    this.depth = 0
    this.shadowed = 0
    this.last = TOKENS.count - 1
    this.kinds = TOKENS.kinds
    this.texts = TOKENS.texts
    const paths: StatePath[] = []
    this.out = paths
    try {
      this.record(this.parseExpression(0))
      if (this.kinds[this.at(0)] !== ExprTokenKind.EndOfInput) return undefined
      return paths
    } catch (e) {
      if (e === INVALID) return undefined
      throw e
    } finally {
      this.chain = undefined
      this.out = []
    }
  }

  private parseExpression(minPrecedence: number): Shape {
    if (++this.depth > MAX_DEPTH) throw INVALID
    let left = this.parseUnary()
    for (;;) {
      const token = this.at(0)
      if (this.kinds[token] !== ExprTokenKind.Punctuator) break
      const text = this.texts[token]!
      if (text === '?' && minPrecedence === 0) {
        this.record(left)
        this.index++ // '?'
        this.record(this.parseExpression(0))
        this.expect(':')
        this.record(this.parseExpression(0))
        left = Shape.Done
        continue
      }
      const precedence = binaryOperator(text)?.precedence
      if (precedence === undefined || precedence <= minPrecedence) break
      this.record(left)
      this.index++
      this.record(this.parseExpression(precedence))
      left = Shape.Done
    }
    this.depth--
    return left
  }

  private parseUnary(): Shape {
    const token = this.at(0)
    const text = this.texts[token]
    if (this.kinds[token] === ExprTokenKind.Punctuator && (text === '!' || text === '-' || text === '+')) {
      this.index++
      this.record(this.parseExpression(UNARY_PRECEDENCE))
      return Shape.Done
    }
    return this.parsePostfix(this.parsePrimary())
  }

  private parsePostfix(shape: Shape): Shape {
    // A pending state chain is kept in a local: the keys parsed below may start chains of their own.
    let chain = shape === Shape.Chain ? this.chain! : undefined
    for (;;) {
      const token = this.at(0)
      if (this.kinds[token] !== ExprTokenKind.Punctuator) break
      const text = this.texts[token]
      const optional = text === '?.'
      if (text === '.' || optional) {
        this.index++
        const next = this.at(0)
        const nextText = this.kinds[next] === ExprTokenKind.Punctuator ? this.texts[next] : undefined
        if (optional && nextText === '(') {
          this.call(shape, chain)
          shape = Shape.Done
          chain = undefined
        } else if (optional && nextText === '[') {
          this.member(chain)
          if (!chain) shape = Shape.Done
        } else {
          if (this.kinds[this.at(0)] !== ExprTokenKind.Identifier) throw INVALID
          const name = this.texts[this.index++]!
          if (chain) {
            chain.lastAppended = chain.open
            if (chain.open) chain.path.push(name)
          } else {
            shape = Shape.Done
          }
        }
      } else if (text === '[') {
        this.member(chain)
        if (!chain) shape = Shape.Done
      } else if (text === '(') {
        this.call(shape, chain)
        shape = Shape.Done
        chain = undefined
      } else {
        break
      }
    }
    if (chain) this.chain = chain
    return shape
  }

  /** `[key]` after an operand: a state chain takes a static key into its path and defers a dynamic one. */
  private member(chain: Chain | undefined): void {
    this.expect('[')
    if (!chain) {
      this.record(this.parseExpression(0))
      this.expect(']')
      return
    }
    const outer = this.out
    const inner: StatePath[] = []
    this.out = inner
    const key = this.parseExpression(0)
    if (key === Shape.Key) {
      if (chain.open) chain.path.push(this.key)
    } else {
      chain.open = false
      if (key !== Shape.Literal) {
        this.record(key)
        if (inner.length > 0) (chain.deferred ??= []).push(inner)
      }
    }
    this.out = outer
    chain.lastAppended = false
    this.expect(']')
  }

  /** `(args)` after an operand; a call on `chain.name` reads the chain without the method name. */
  private call(callee: Shape, chain: Chain | undefined): void {
    if (chain) {
      if (chain.lastAppended) chain.path.pop()
      this.recordChain(chain)
    } else {
      this.record(callee)
    }
    this.expect('(')
    this.parseList(')')
    this.expect(')')
  }

  private parsePrimary(): Shape {
    const token = this.at(0)
    switch (this.kinds[token]!) {
      case ExprTokenKind.Number:
      case ExprTokenKind.String:
        this.index++
        this.key = String(TOKENS.values[token])
        return Shape.Key
      case ExprTokenKind.Identifier:
        return this.parseIdentifierOrArrow(token)
      case ExprTokenKind.EndOfInput:
        throw INVALID
      case ExprTokenKind.Punctuator:
        return this.parsePunctuatorPrimary(token)
    }
  }

  private parseIdentifierOrArrow(token: number): Shape {
    const name = this.texts[token]!
    if (this.texts[this.at(1)] === '=>') {
      this.index += 2
      return this.parseArrowBody(this.shadowOf(name))
    }
    this.index++
    switch (name) {
      case 'true':
      case 'false':
      case 'null':
      case 'undefined':
        return Shape.Literal
      case 'new':
      case 'function':
      case 'this':
      case 'class':
      case 'delete':
      case 'typeof':
      case 'void':
      case 'in':
        throw INVALID
    }
    return this.identifier(name)
  }

  /** An identifier operand: a pending chain when it is an unshadowed state root. */
  private identifier(name: string): Shape {
    let root: StateRoot | undefined
    if (name === '$state') root = this.shadowed & STATE_SHADOWED ? undefined : '$state'
    else if (name === '$computed') root = this.shadowed & COMPUTED_SHADOWED ? undefined : '$computed'
    if (!root) return Shape.Done
    this.chain = new Chain(root, [])
    return Shape.Chain
  }

  private parsePunctuatorPrimary(token: number): Shape {
    const text = this.texts[token]
    if (text === '(') {
      const shadow = this.arrowParams()
      if (shadow !== -1) return this.parseArrowBody(shadow)
      this.index++
      const inner = this.parseExpression(0)
      this.expect(')')
      return inner
    }
    if (text === '[') {
      this.index++
      this.parseList(']')
      this.expect(']')
      return Shape.Done
    }
    if (text === '{') return this.parseObject()
    throw INVALID
  }

  /** When the tokens at `(` are `(a, b) =>`, consumes them and returns the roots they shadow, else -1. */
  private arrowParams(): number {
    let shadow = 0
    const count = TOKENS.count
    let i = this.index + 1
    while (i < count && this.kinds[i] === ExprTokenKind.Identifier) {
      shadow |= this.shadowOf(this.texts[i]!)
      i++
      if (i >= count || this.texts[i] !== ',') break
      i++
    }
    if (i + 1 >= count || this.texts[i] !== ')' || this.texts[i + 1] !== '=>') return -1
    this.index = i + 2
    return shadow
  }

  private shadowOf(param: string): number {
    return param === '$state' ? STATE_SHADOWED : param === '$computed' ? COMPUTED_SHADOWED : 0
  }

  private parseArrowBody(shadow: number): Shape {
    if (this.texts[this.at(0)] === '{') throw INVALID
    const outer = this.shadowed
    this.shadowed = outer | shadow
    this.record(this.parseExpression(0))
    this.shadowed = outer
    return Shape.Done
  }

  private parseObject(): Shape {
    this.index++
    for (;;) {
      const key = this.at(0)
      const kind = this.kinds[key]
      if (this.texts[key] === '}' && kind === ExprTokenKind.Punctuator) break
      if (kind === ExprTokenKind.EndOfInput) break
      if (kind === ExprTokenKind.Punctuator) throw INVALID
      this.index++
      if (this.texts[this.at(0)] === ':') {
        this.index++
        this.record(this.parseExpression(0))
      } else if (kind === ExprTokenKind.Identifier) {
        // Shorthand `{ name }`: an identifier, keywords included, never a literal.
        this.record(this.identifier(this.texts[key]!))
      } else {
        throw INVALID
      }
      if (this.texts[this.at(0)] !== ',') break
      this.index++
    }
    this.expect('}')
    return Shape.Done
  }

  private parseList(close: string): void {
    for (;;) {
      const token = this.at(0)
      if (this.texts[token] === close || this.kinds[token] === ExprTokenKind.EndOfInput) break
      this.record(this.parseExpression(0))
      if (this.texts[this.at(0)] !== ',') break
      this.index++
    }
  }

  /** Records the paths of an operand that is used (a pending chain is recorded now). */
  private record(shape: Shape): void {
    if (shape === Shape.Chain) this.recordChain(this.chain!)
  }

  private recordChain(chain: Chain): void {
    addPath(this.out, { root: chain.root, path: chain.path })
    const deferred = chain.deferred
    if (deferred) for (let i = deferred.length - 1; i >= 0; i--) for (const p of deferred[i]!) addPath(this.out, p)
  }

  private expect(text: string): void {
    const token = this.at(0)
    if (this.kinds[token] !== ExprTokenKind.Punctuator || this.texts[token] !== text) throw INVALID
    this.index++
  }

  private at(offset: number): number {
    const i = this.index + offset
    return i < this.last ? i : this.last
  }
}

const RECOGNIZER = new Recognizer()

/**
 * The `$state` / `$computed` paths `src` reads, as `statePathsOf(parseExpression(src))` finds them, or
 * `undefined` when `src` is not a valid expression (then `parseExpression` gives the error). Uncached: the
 * validator caches by attribute text.
 * @example expressionPaths('$state.a.b + $computed.c') // [{root:'$state',path:['a','b']}, {root:'$computed',path:['c']}]
 */
export function expressionPaths(src: string): StatePath[] | undefined {
  try {
    return RECOGNIZER.run(src)
  } finally {
    TOKENS.release()
  }
}
