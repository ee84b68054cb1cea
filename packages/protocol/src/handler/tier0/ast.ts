import type { BinaryCode, UnaryCode } from '../operators.ts'

/** The parameters a tier-0 handler may read; only `$state` may be written. */
export type Root = '$state' | '$args' | '$computed'

export type Primitive = string | number | boolean | null | undefined

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%'
export type BinaryOp = ArithmeticOp | '<' | '>' | '<=' | '>=' | '==' | '!=' | '===' | '!=='

export type Expr =
  | { kind: 'literal'; value: Primitive }
  | { kind: 'root'; name: Root }
  | { kind: 'member'; object: Expr; key: string }
  | { kind: 'unary'; op: '!' | '-' | '+' | 'typeof'; code: UnaryCode; argument: Expr }
  /** `code` is the operator's entry in the one operator table (operators.ts), resolved at parse time. */
  | { kind: 'binary'; op: BinaryOp; code: BinaryCode; left: Expr; right: Expr }
  | { kind: 'logical'; op: '&&' | '||' | '??'; left: Expr; right: Expr }
  | { kind: 'conditional'; test: Expr; consequent: Expr; alternate: Expr }
  | { kind: 'array'; elements: Expr[] }
  | { kind: 'object'; keys: string[]; values: Expr[] }

/** `<object>[key]` where `object` is `$state` or a member chain starting at `$state`. */
export interface Target {
  object: Expr
  key: string
}

export type Stmt =
  | { kind: 'assign'; op: '=' | ArithmeticOp; code: BinaryCode | undefined; target: Target; value: Expr }
  | { kind: 'update'; delta: 1 | -1; target: Target }
  | { kind: 'return'; value: Expr | undefined }
  | { kind: 'if'; test: Expr; consequent: Stmt[]; alternate: Stmt[] }

/** A handler body in the tier-0 subset (parse.ts), run on the host by the sandbox's evaluateTier0.ts. */
export interface Tier0Program {
  body: Stmt[]
  /**
   * Some `=` or literal element may place a value read from the inputs (not a fresh literal): `$args` and
   * `$computed` are then deep-frozen as the guest's are, and writes to frozen objects bail out.
   */
  placesInputs: boolean
}
