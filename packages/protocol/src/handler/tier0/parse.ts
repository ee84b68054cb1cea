import { FORBIDDEN_KEYS } from '../../json.ts'
import { binaryOperator, unaryOperator, type BinaryCode } from '../operators.ts'
import type { BinaryOp, Expr, Root, Stmt, Target, Tier0Program } from './ast.ts'
import { MAX_TIER0_CODE, TokenKind, scanTier0 } from './scan.ts'
import type { Token } from './scan.ts'

/** Deepest statement/expression nesting tier 0 accepts (QuickJS compiles far deeper at the minimum stack). */
export const MAX_TIER0_NESTING = 32

const ROOTS: ReadonlySet<string> = new Set(['$state', '$args', '$computed'])
const CONSTANTS: ReadonlyMap<string, boolean | null | undefined | number> = new Map<
  string,
  boolean | null | undefined | number
>([
  ['true', true],
  ['false', false],
  ['null', null],
  ['undefined', undefined],
  ['NaN', NaN],
  ['Infinity', Infinity],
])
/** Keys no output may hold (as the sandbox's jsonShape.ts refuses them): a handler naming one is not tier 0. */
const ASSIGN_OPS: ReadonlyMap<string, '=' | '+' | '-' | '*' | '/' | '%'> = new Map([
  ['=', '='],
  ['+=', '+'],
  ['-=', '-'],
  ['*=', '*'],
  ['/=', '/'],
  ['%=', '%'],
] as const)
// The binary levels, by the operator table's binding powers: JS's grammar has one production per level.
const EQUALITY = 3
const RELATIONAL = 4
const ADDITIVE = 5
const MULTIPLICATIVE = 6

/** Thrown inside the parser for anything outside the subset; never escapes {@link tier0Subset}. */
const NOT_TIER0 = Symbol('not tier 0')

/** Whether `code` is in the tier-0 subset: its program, or why it is not (for the validator, the studio, the AI). */
export type Tier0Subset = { ok: true; program: Tier0Program } | { ok: false; reason: string }

/**
 * Parses a handler body in the tier-0 subset, or returns undefined when it is anything else (QuickJS runs
 * those). The subset is a strict subset of JS with the same parse: statements `$state.<path> = e`,
 * `$state.<path> op= e` (`+ - * / %`), `$state.<path>++`/`--` (either side), `return [e]`, `if (e) s [else s]`,
 * blocks and `;`, with JS's automatic semicolon insertion; expressions over literals, `$state`/`$args`/
 * `$computed` member chains with literal keys, `! - + typeof`, `+ - * / %`, comparisons, `&& || ??`
 * (not mixed), `?:`, parentheses, array and object literals. No calls, loops, declarations or other names.
 *
 * @example parseTier0('$state.count += $args.step') // { body: [{ kind: 'assign', op: '+', … }], … }
 */
export function parseTier0(code: string): Tier0Program | undefined {
  const subset = tier0Subset(code)
  return subset.ok ? subset.program : undefined
}

/**
 * The one answer to "does this handler run on tier 0?" ({@link parseTier0}'s subset), with the reason when
 * it does not: the sandbox runs `program`, anyone else can say whether a handler takes the fast path.
 * @example tier0Subset('for (;;) {}') // { ok: false, reason: '"for" at offset 0 is outside the tier-0 subset' }
 */
export function tier0Subset(code: string): Tier0Subset {
  if (code.length > MAX_TIER0_CODE) return { ok: false, reason: `longer than ${MAX_TIER0_CODE} characters` }
  const tokens = scanTier0(code)
  if (!tokens) {
    return {
      ok: false,
      reason:
        'holds text tier 0 does not scan (a template, regex or BigInt literal, non-ASCII outside strings, ' +
        'an unusual escape or number, an unclosed comment or string)',
    }
  }
  const parser = new Parser(tokens)
  try {
    return { ok: true, program: parser.program() }
  } catch (error) {
    if (error === NOT_TIER0) return { ok: false, reason: parser.refusal() }
    throw error
  }
}

class Parser {
  readonly #tokens: Token[]
  #pos = 0
  #depth = 0
  #placesInputs = false
  /** The last token looked at: where a refusal happened. */
  #seen = 0
  #tooDeep = false

  constructor(tokens: Token[]) {
    this.#tokens = tokens
  }

  /** Why the parse stopped (after a NOT_TIER0). */
  refusal(): string {
    if (this.#tooDeep) return `nested more than ${MAX_TIER0_NESTING} deep`
    const token = this.#tokens[this.#seen]!
    if (token.kind === TokenKind.End) return 'ends where tier 0 expects more'
    const text = token.kind === TokenKind.String ? JSON.stringify(token.text) : token.text
    return `"${text}" at offset ${token.at} is outside the tier-0 subset`
  }

  program(): Tier0Program {
    const body: Stmt[] = []
    while (this.#peek().kind !== TokenKind.End) this.#statement(body)
    return { body, placesInputs: this.#placesInputs }
  }

  /** Parses one statement into `out` (an empty statement adds nothing). */
  #statement(out: Stmt[]): void {
    this.#enter()
    const token = this.#peek()
    if (this.#eat(';')) {
      // empty statement
    } else if (this.#is('{')) {
      this.#next()
      while (!this.#eat('}')) this.#statement(out)
    } else if (token.kind === TokenKind.Name && token.text === 'if') out.push(this.#if())
    else if (token.kind === TokenKind.Name && token.text === 'return') out.push(this.#return())
    else if (this.#is('++') || this.#is('--')) {
      const delta = this.#next().text === '++' ? 1 : -1
      out.push({ kind: 'update', delta, target: this.#target() })
      this.#terminator()
    } else out.push(this.#assignment())
    this.#depth--
  }

  #if(): Stmt {
    this.#next()
    this.#expect('(')
    const test = this.#expression()
    this.#expect(')')
    const consequent: Stmt[] = []
    this.#statement(consequent)
    const alternate: Stmt[] = []
    if (this.#peek().kind === TokenKind.Name && this.#peek().text === 'else') {
      this.#next()
      this.#statement(alternate)
    }
    return { kind: 'if', test, consequent, alternate }
  }

  #return(): Stmt {
    this.#next()
    const next = this.#peek()
    // `return` is a restricted production: a line break right after it ends the statement.
    if (next.newlineBefore || this.#is(';') || this.#is('}') || next.kind === TokenKind.End) {
      this.#terminator()
      return { kind: 'return', value: undefined }
    }
    const value = this.#expression()
    this.#terminator()
    return { kind: 'return', value }
  }

  #assignment(): Stmt {
    const target = this.#target()
    const token = this.#peek()
    const op = token.kind === TokenKind.Punct ? ASSIGN_OPS.get(token.text) : undefined
    if (op !== undefined) {
      this.#next()
      const value = this.#expression()
      if (op === '=') this.#notePlacement(value)
      this.#terminator()
      return { kind: 'assign', op, code: op === '=' ? undefined : binaryOperator(op)!.code, target, value }
    }
    // Postfix `++`/`--` may not follow a line break (restricted production).
    if ((this.#is('++') || this.#is('--')) && !token.newlineBefore) {
      const delta = this.#next().text === '++' ? 1 : -1
      this.#terminator()
      return { kind: 'update', delta, target }
    }
    throw NOT_TIER0
  }

  /** `$state` followed by at least one member access. */
  #target(): Target {
    const token = this.#next()
    if (token.kind !== TokenKind.Name || token.text !== '$state') throw NOT_TIER0
    let object: Expr = { kind: 'root', name: '$state' }
    let key = this.#memberKey()
    if (key === undefined) throw NOT_TIER0
    for (let more = this.#memberKey(); more !== undefined; more = this.#memberKey()) {
      object = { kind: 'member', object, key }
      key = more
    }
    return { object, key }
  }

  /**
   * Where JS would insert a semicolon or the statement ends: `;` (consumed), before `}` or the end, or at a
   * line break followed by a token that cannot continue the statement. Anything else (a `(`, `[`, `.`, an
   * operator, a template on the next line, which JS would join to this statement) is not tier 0.
   */
  #terminator(): void {
    if (this.#eat(';')) return
    const next = this.#peek()
    if (this.#is('}') || next.kind === TokenKind.End) return
    if (!next.newlineBefore) throw NOT_TIER0
    if (next.kind === TokenKind.Name && next.text !== 'in' && next.text !== 'instanceof') return
    if (this.#is('++') || this.#is('--') || this.#is('{')) return
    throw NOT_TIER0
  }

  #expression(): Expr {
    this.#enter()
    const test = this.#shortCircuit()
    let result = test
    if (this.#eat('?')) {
      const consequent = this.#expression()
      this.#expect(':')
      const alternate = this.#expression()
      result = { kind: 'conditional', test, consequent, alternate }
    }
    this.#depth--
    return result
  }

  /** `a || b && c` or `a ?? b ?? c`; JS refuses `??` mixed with `&&`/`||` without parentheses, so do we. */
  #shortCircuit(): Expr {
    let left = this.#equality()
    if (this.#is('??')) {
      while (this.#eat('??')) left = { kind: 'logical', op: '??', left, right: this.#equality() }
      if (this.#is('&&') || this.#is('||')) throw NOT_TIER0
      return left
    }
    left = this.#logicalAnd(left)
    while (this.#eat('||')) left = { kind: 'logical', op: '||', left, right: this.#logicalAnd(this.#equality()) }
    if (this.#is('??')) throw NOT_TIER0
    return left
  }

  #logicalAnd(first: Expr): Expr {
    let left = first
    while (this.#eat('&&')) left = { kind: 'logical', op: '&&', left, right: this.#equality() }
    return left
  }

  #equality(): Expr {
    return this.#binary(EQUALITY, () => this.#binary(RELATIONAL, () => this.#additive()))
  }

  #additive(): Expr {
    return this.#binary(ADDITIVE, () => this.#binary(MULTIPLICATIVE, () => this.#unary()))
  }

  /** A left-associative chain of the table's operators of binding power `level` over `operand`. */
  #binary(level: number, operand: () => Expr): Expr {
    let left = operand()
    for (let code = this.#binaryAt(level); code !== undefined; code = this.#binaryAt(level)) {
      const op = this.#next().text as BinaryOp
      left = { kind: 'binary', op, code, left, right: operand() }
    }
    return left
  }

  /** The operator table's code for the next token when it is a binary operator of binding power `level`. */
  #binaryAt(level: number): BinaryCode | undefined {
    const token = this.#peek()
    if (token.kind !== TokenKind.Punct) return undefined
    const op = binaryOperator(token.text)
    return op !== undefined && op.precedence === level ? op.code : undefined
  }

  #unary(): Expr {
    const token = this.#peek()
    const op =
      token.kind === TokenKind.Punct || (token.kind === TokenKind.Name && token.text === 'typeof')
        ? unaryOperator(token.text)
        : undefined
    if (op === undefined) return this.#member()
    this.#next()
    this.#enter()
    const argument = this.#unary()
    this.#depth--
    return { kind: 'unary', op: op.token, code: op.code, argument }
  }

  /** A primary expression; member accesses only on `$state`/`$args`/`$computed` chains. */
  #member(): Expr {
    const token = this.#peek()
    if (token.kind === TokenKind.Name && ROOTS.has(token.text)) {
      this.#next()
      const name = token.text as Root
      let object: Expr = { kind: 'root', name }
      for (let key = this.#memberKey(); key !== undefined; key = this.#memberKey()) {
        object = { kind: 'member', object, key }
      }
      return object
    }
    const primary = this.#primary()
    if (this.#is('.') || this.#is('[') || this.#is('?.')) throw NOT_TIER0
    return primary
  }

  /** `.name` or `[<string or number literal>]` → the property key, or undefined when no access follows. */
  #memberKey(): string | undefined {
    let key: string
    if (this.#eat('.')) {
      const name = this.#next()
      if (name.kind !== TokenKind.Name) throw NOT_TIER0
      key = name.text
    } else if (this.#eat('[')) {
      key = this.#literalKey(this.#next())
      this.#expect(']')
    } else return undefined
    if (FORBIDDEN_KEYS.has(key)) throw NOT_TIER0
    return key
  }

  #primary(): Expr {
    const token = this.#next()
    if (token.kind === TokenKind.Number) return { kind: 'literal', value: Number(token.text) }
    if (token.kind === TokenKind.String) return { kind: 'literal', value: token.text }
    if (token.kind === TokenKind.Name && CONSTANTS.has(token.text)) {
      return { kind: 'literal', value: CONSTANTS.get(token.text) }
    }
    if (token.kind !== TokenKind.Punct) throw NOT_TIER0
    if (token.text === '(') {
      const inner = this.#expression()
      this.#expect(')')
      return inner
    }
    if (token.text === '[') return this.#array()
    if (token.text === '{') return this.#object()
    throw NOT_TIER0
  }

  #array(): Expr {
    this.#enter()
    const elements: Expr[] = []
    while (!this.#eat(']')) {
      const element = this.#expression() // a hole (`[1,,2]`) starts with ',' and fails here
      this.#notePlacement(element)
      elements.push(element)
      if (!this.#is(']')) this.#expect(',')
    }
    this.#depth--
    return { kind: 'array', elements }
  }

  #object(): Expr {
    this.#enter()
    const keys: string[] = []
    const values: Expr[] = []
    while (!this.#eat('}')) {
      const token = this.#next()
      const key = token.kind === TokenKind.Name ? token.text : this.#literalKey(token)
      if (FORBIDDEN_KEYS.has(key)) throw NOT_TIER0
      this.#expect(':')
      const value = this.#expression()
      this.#notePlacement(value)
      keys.push(key)
      values.push(value)
      if (!this.#is('}')) this.#expect(',')
    }
    this.#depth--
    return { kind: 'object', keys, values }
  }

  /** A string literal's value or a number literal's canonical property key (`1.50` → "1.5"). */
  #literalKey(token: Token): string {
    if (token.kind === TokenKind.String) return token.text
    if (token.kind === TokenKind.Number) return String(Number(token.text))
    throw NOT_TIER0
  }

  /** Records whether a placed value (stored or put in a literal) may be an object from the inputs. */
  #notePlacement(value: Expr): void {
    if (mayYieldInput(value)) this.#placesInputs = true
  }

  #enter(): void {
    if (++this.#depth <= MAX_TIER0_NESTING) return
    this.#tooDeep = true
    throw NOT_TIER0
  }

  #peek(): Token {
    this.#seen = this.#pos
    return this.#tokens[this.#pos]!
  }

  #next(): Token {
    this.#seen = this.#pos
    const token = this.#tokens[this.#pos]!
    if (token.kind !== TokenKind.End) this.#pos++
    return token
  }

  #is(punct: string): boolean {
    const token = this.#peek()
    return token.kind === TokenKind.Punct && token.text === punct
  }

  #eat(punct: string): boolean {
    if (!this.#is(punct)) return false
    this.#pos++
    return true
  }

  #expect(punct: string): void {
    if (!this.#eat(punct)) throw NOT_TIER0
  }
}

/** True when `expr` may evaluate to an existing object (one read from the inputs) rather than a primitive. */
function mayYieldInput(expr: Expr): boolean {
  switch (expr.kind) {
    case 'root':
    case 'member':
      return true
    case 'logical':
      return mayYieldInput(expr.left) || mayYieldInput(expr.right)
    case 'conditional':
      return mayYieldInput(expr.consequent) || mayYieldInput(expr.alternate)
    default:
      return false
  }
}
