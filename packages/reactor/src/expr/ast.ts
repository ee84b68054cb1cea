import type { BinaryCode, UnaryCode } from '@nexus/protocol'

/** Offsets into the expression source, `end` exclusive. */
export interface ExprSpan {
  start: number
  end: number
}

export type LiteralValue = number | string | boolean | null | undefined

export type Expr =
  | LiteralExpr
  | IdentifierExpr
  | ArrayExpr
  | ObjectExpr
  | MemberExpr
  | CallExpr
  | UnaryExpr
  | BinaryExpr
  | ConditionalExpr
  | ArrowExpr

export interface LiteralExpr {
  kind: 'Literal'
  value: LiteralValue
  span: ExprSpan
}
export interface IdentifierExpr {
  kind: 'Identifier'
  name: string
  span: ExprSpan
}
export interface ArrayExpr {
  kind: 'Array'
  elements: Expr[]
  span: ExprSpan
}
export interface ObjectProperty {
  key: string
  value: Expr
}
export interface ObjectExpr {
  kind: 'Object'
  properties: ObjectProperty[]
  span: ExprSpan
}
/** `a.b` (`property` is a Literal) or `a[b]` (`computed`); `optional` for `?.`. */
export interface MemberExpr {
  kind: 'Member'
  object: Expr
  property: Expr
  computed: boolean
  optional: boolean
  span: ExprSpan
}
export interface CallExpr {
  kind: 'Call'
  callee: Expr
  args: Expr[]
  optional: boolean
  span: ExprSpan
}
export type UnaryOperator = '!' | '-' | '+'
export interface UnaryExpr {
  kind: 'Unary'
  operator: UnaryOperator
  /** The operator's entry in protocol's operator table, resolved at parse time. */
  code: UnaryCode
  argument: Expr
  span: ExprSpan
}
export type BinaryOperator =
  '+' | '-' | '*' | '/' | '%' | '===' | '!==' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||' | '??'
export interface BinaryExpr {
  kind: 'Binary'
  operator: BinaryOperator
  /** The operator's entry in protocol's operator table (`BINARY_OPERATORS[code]`), resolved at parse time. */
  code: BinaryCode
  left: Expr
  right: Expr
  span: ExprSpan
}
export interface ConditionalExpr {
  kind: 'Conditional'
  test: Expr
  consequent: Expr
  alternate: Expr
  span: ExprSpan
}
export interface ArrowExpr {
  kind: 'Arrow'
  params: string[]
  body: Expr
  span: ExprSpan
}

/** An expected failure: a message and where in the expression source it happened. */
export interface ExprError {
  message: string
  span: ExprSpan
}

export type ExprResult<T> = { ok: true; value: T } | { ok: false; error: ExprError }
