/**
 * The one operator table: every binary and unary operator an interpreter of handler or binding code knows
 * (the reactor's expression parser, evaluator and recognizer; the sandbox's tier 0), with its token, its
 * binding power, its associativity and what it computes on primitives, with JavaScript's semantics.
 *
 * Parsers resolve a token to its entry once ({@link binaryOperator}) and keep the entry's small-integer
 * `code` in the tree; evaluators hand that code to {@link applyBinary} / {@link applyUnary}, a switch on
 * integers, so an evaluation does no map lookup and every call site stays monomorphic. What an interpreter
 * does *before* applying an operator is its own business: the reactor turns objects into primitives
 * (`toPrimitive`), tier 0 refuses any coercion QuickJS might answer differently (it bails).
 */

/** A primitive operand or result; objects never reach the table (interpreters convert or refuse them). */
export type OperatorPrimitive = string | number | boolean | null | undefined

export type BinaryToken =
  '??' | '||' | '&&' | '===' | '!==' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%'
export type UnaryToken = '!' | '-' | '+' | 'typeof'

/** Small-integer codes, one per binary operator (the table's index); evaluators switch on these. */
export const BinaryCode = {
  Coalesce: 0,
  Or: 1,
  And: 2,
  StrictEqual: 3,
  StrictNotEqual: 4,
  Equal: 5,
  NotEqual: 6,
  Less: 7,
  LessEqual: 8,
  Greater: 9,
  GreaterEqual: 10,
  Add: 11,
  Subtract: 12,
  Multiply: 13,
  Divide: 14,
  Remainder: 15,
} as const
export type BinaryCode = (typeof BinaryCode)[keyof typeof BinaryCode]

export const UnaryCode = { Not: 0, Negate: 1, Plus: 2, Typeof: 3 } as const
export type UnaryCode = (typeof UnaryCode)[keyof typeof UnaryCode]

/** What kind of operands an operator coerces its primitives to: what an interpreter must vet first. */
export type OperandKind =
  /** `&& || ??`: the right side is evaluated only when needed; nothing is coerced. */
  | 'short-circuit'
  /** `=== !==`: no coercion at all (objects compare by identity). */
  | 'strict'
  /** `== !=`: JavaScript's loose equality between primitives. */
  | 'loose'
  /** `< <= > >=`: two strings compare by code units, anything else as numbers. */
  | 'relational'
  /** `+`: concatenation when either side is a string, else numeric addition. */
  | 'plus'
  /** `- * / %`: both sides as numbers. */
  | 'numeric'

export interface BinaryOperator {
  token: BinaryToken
  code: BinaryCode
  /** Binding power among these operators (higher binds tighter); the ternary is below, unary above. */
  precedence: number
  /** Every one of them chains left to right (`a - b - c` is `(a - b) - c`). */
  associativity: 'left'
  operands: OperandKind
}

export interface UnaryOperator {
  token: UnaryToken
  code: UnaryCode
}

/** The binding power of a prefix operator: above every binary operator (`-a * b` is `(-a) * b`). */
export const UNARY_PRECEDENCE = 7

const entry = (token: BinaryToken, code: BinaryCode, precedence: number, operands: OperandKind): BinaryOperator => ({
  token,
  code,
  precedence,
  associativity: 'left',
  operands,
})

/**
 * Indexed by {@link BinaryCode}. `??` and `||` share a level, as in the reactor's expressions; tier 0 (which
 * follows JavaScript's grammar exactly) also refuses `??` mixed with `&&`/`||` without parentheses.
 */
export const BINARY_OPERATORS: readonly BinaryOperator[] = [
  entry('??', BinaryCode.Coalesce, 1, 'short-circuit'),
  entry('||', BinaryCode.Or, 1, 'short-circuit'),
  entry('&&', BinaryCode.And, 2, 'short-circuit'),
  entry('===', BinaryCode.StrictEqual, 3, 'strict'),
  entry('!==', BinaryCode.StrictNotEqual, 3, 'strict'),
  entry('==', BinaryCode.Equal, 3, 'loose'),
  entry('!=', BinaryCode.NotEqual, 3, 'loose'),
  entry('<', BinaryCode.Less, 4, 'relational'),
  entry('<=', BinaryCode.LessEqual, 4, 'relational'),
  entry('>', BinaryCode.Greater, 4, 'relational'),
  entry('>=', BinaryCode.GreaterEqual, 4, 'relational'),
  entry('+', BinaryCode.Add, 5, 'plus'),
  entry('-', BinaryCode.Subtract, 5, 'numeric'),
  entry('*', BinaryCode.Multiply, 6, 'numeric'),
  entry('/', BinaryCode.Divide, 6, 'numeric'),
  entry('%', BinaryCode.Remainder, 6, 'numeric'),
]

/** Indexed by {@link UnaryCode}. `typeof` is tier 0's only; the reactor's expressions do not have it. */
export const UNARY_OPERATORS: readonly UnaryOperator[] = [
  { token: '!', code: UnaryCode.Not },
  { token: '-', code: UnaryCode.Negate },
  { token: '+', code: UnaryCode.Plus },
  { token: 'typeof', code: UnaryCode.Typeof },
]

const BY_TOKEN: ReadonlyMap<string, BinaryOperator> = new Map(BINARY_OPERATORS.map((op) => [op.token, op]))
const UNARY_BY_TOKEN: ReadonlyMap<string, UnaryOperator> = new Map(UNARY_OPERATORS.map((op) => [op.token, op]))

/** The binary operator spelled `token`, or undefined (for parsers: called once per operator, at parse time). */
export function binaryOperator(token: string): BinaryOperator | undefined {
  return BY_TOKEN.get(token)
}

/** The prefix operator spelled `token`, or undefined. */
export function unaryOperator(token: string): UnaryOperator | undefined {
  return UNARY_BY_TOKEN.get(token)
}

/**
 * `a <op> b` with JavaScript's semantics, for primitive operands. The short-circuit operators are here for
 * completeness (both sides already evaluated); evaluators branch on them before evaluating the right side.
 * @example applyBinary(BinaryCode.Add, '1', 2) // '12'
 */
export function applyBinary(code: BinaryCode, a: OperatorPrimitive, b: OperatorPrimitive): OperatorPrimitive {
  // The casts only quiet TypeScript: on primitives these are exactly JavaScript's operators.
  const x = a as number
  const y = b as number
  switch (code) {
    case 0:
      return a ?? b
    case 1:
      return a || b
    case 2:
      return a && b
    case 3:
      return a === b
    case 4:
      return a !== b
    case 5:
      return a == b
    case 6:
      return a != b
    case 7:
      return x < y
    case 8:
      return x <= y
    case 9:
      return x > y
    case 10:
      return x >= y
    case 11:
      return x + y
    case 12:
      return x - y
    case 13:
      return x * y
    case 14:
      return x / y
    case 15:
      return x % y
  }
}

/** `<op> v` with JavaScript's semantics, for a primitive operand. */
export function applyUnary(code: UnaryCode, v: OperatorPrimitive): OperatorPrimitive {
  switch (code) {
    case 0:
      return !v
    case 1:
      return -(v as number)
    case 2:
      return +(v as number)
    case 3:
      return typeof v
  }
}
