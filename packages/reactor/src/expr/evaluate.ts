import { applyBinary, applyUnary, BinaryCode, UnaryCode } from '@nexus/protocol'
import type { Expr, ExprResult, ExprSpan } from './ast.ts'
import { assertCallable, GLOBALS } from './globals.ts'
import { truthy } from './methods.ts'
import { getProperty } from './safeAccess.ts'
import { setOwn } from './toJson.ts'
import { ExprRuntimeError, SafeFunction, toPrimitive, type Value, type ValueObject } from './values.ts'

/** The names an expression can read: usually `$state`, `$computed`, `$scope`, `$args`. */
export type Scope = Readonly<Record<string, unknown>>

/** Local variables (arrow parameters) chained to their enclosing environment. */
interface Env {
  vars: ReadonlyMap<string, Value>
  parent: Env | undefined
  scope: Scope
}

class LocatedError extends Error {
  constructor(
    message: string,
    readonly span: ExprSpan,
  ) {
    super(message)
  }
}

/** Marks a short-circuited optional chain (`a?.b.c` with `a` nullish). */
const SHORT_CIRCUIT: unique symbol = Symbol('short-circuit')
type Evaluated = Value | typeof SHORT_CIRCUIT

const MAX_CALL_DEPTH = 100

/**
 * Evaluates a parsed expression against `scope` with a tree-walking interpreter; never runs user text as
 * JavaScript. Failures (undefined names, disallowed access, calling a non-function) are error values.
 * @example evaluateExpression(parsed, { $state: { count: 2 } }) // {ok: true, value: ...}
 */
export function evaluateExpression(expr: Expr, scope: Scope): ExprResult<Value> {
  try {
    const env: Env = { vars: new Map(), parent: undefined, scope }
    const value = evaluate(expr, env, false, 0)
    return { ok: true, value: value === SHORT_CIRCUIT ? undefined : value }
  } catch (e) {
    if (e instanceof LocatedError) return { ok: false, error: { message: e.message, span: e.span } }
    if (e instanceof RangeError)
      return { ok: false, error: { message: 'Expression is too deeply nested', span: expr.span } }
    throw e
  }
}

function evaluate(expr: Expr, env: Env, inChain: boolean, depth: number): Evaluated {
  try {
    return evaluateNode(expr, env, inChain, depth)
  } catch (e) {
    if (e instanceof ExprRuntimeError) throw new LocatedError(e.message, expr.span)
    throw e
  }
}

function value(expr: Expr, env: Env, depth: number): Value {
  const v = evaluate(expr, env, false, depth)
  return v === SHORT_CIRCUIT ? undefined : v
}

function evaluateNode(expr: Expr, env: Env, inChain: boolean, depth: number): Evaluated {
  switch (expr.kind) {
    case 'Literal':
      return expr.value
    case 'Identifier':
      return lookup(expr.name, env)
    case 'Array':
      return expr.elements.map((e) => value(e, env, depth))
    case 'Object': {
      const out: ValueObject = {}
      for (const p of expr.properties) setOwn(out, p.key, value(p.value, env, depth))
      return out
    }
    case 'Member': {
      const object = evaluate(expr.object, env, true, depth)
      if (object === SHORT_CIRCUIT || (expr.optional && (object === null || object === undefined))) {
        return inChain ? SHORT_CIRCUIT : undefined
      }
      return getProperty(
        object,
        expr.computed ? value(expr.property, env, depth) : (expr.property as { value: string }).value,
      )
    }
    case 'Call':
      return evaluateCall(expr, env, inChain, depth)
    case 'Unary': {
      const v = value(expr.argument, env, depth)
      if (expr.code === UnaryCode.Not) return !truthy(v)
      return applyUnary(expr.code, toPrimitive(v)) // - and +: numbers, after turning objects into text
    }
    case 'Binary':
      return evaluateBinary(expr.code, expr.left, expr.right, env, depth)
    case 'Conditional':
      return truthy(value(expr.test, env, depth))
        ? value(expr.consequent, env, depth)
        : value(expr.alternate, env, depth)
    case 'Arrow':
      return makeArrow(expr.params, expr.body, env, depth)
  }
}

function evaluateCall(expr: Extract<Expr, { kind: 'Call' }>, env: Env, inChain: boolean, depth: number): Evaluated {
  const callee = evaluate(expr.callee, env, true, depth)
  if (callee === SHORT_CIRCUIT || (expr.optional && (callee === null || callee === undefined))) {
    return inChain ? SHORT_CIRCUIT : undefined
  }
  const fn = assertCallable(callee, describeCallee(expr.callee))
  const args = expr.args.map((a) => value(a, env, depth))
  return fn.invoke(args)
}

function makeArrow(params: string[], body: Expr, env: Env, depth: number): SafeFunction {
  return new SafeFunction('arrow', (args) => {
    if (depth + 1 > MAX_CALL_DEPTH) throw new ExprRuntimeError('Too many nested function calls')
    const vars = new Map<string, Value>(params.map((p, i) => [p, args[i]]))
    return value(body, { vars, parent: env, scope: env.scope }, depth + 1)
  })
}

function lookup(name: string, env: Env): Value {
  for (let e: Env | undefined = env; e; e = e.parent) {
    if (e.vars.has(name)) return e.vars.get(name)
  }
  if (Object.hasOwn(env.scope, name)) return env.scope[name] as Value
  if (Object.hasOwn(GLOBALS, name)) return GLOBALS[name]
  throw new ExprRuntimeError(`"${name}" is not defined`)
}

/**
 * Protocol's operator `code` with JS semantics: the short-circuits evaluate the right side only when needed,
 * `===`/`!==` compare as they are, the rest run on `toPrimitive`'s primitives (objects become their text, so
 * JavaScript's own coercion runs no user code).
 */
function evaluateBinary(code: BinaryCode, leftExpr: Expr, rightExpr: Expr, env: Env, depth: number): Value {
  const left = value(leftExpr, env, depth)
  switch (code) {
    case BinaryCode.And:
      return truthy(left) ? value(rightExpr, env, depth) : left
    case BinaryCode.Or:
      return truthy(left) ? left : value(rightExpr, env, depth)
    case BinaryCode.Coalesce:
      return left === null || left === undefined ? value(rightExpr, env, depth) : left
  }
  const right = value(rightExpr, env, depth)
  switch (code) {
    case BinaryCode.StrictEqual:
      return left === right
    case BinaryCode.StrictNotEqual:
      return left !== right
    case BinaryCode.Equal:
    case BinaryCode.NotEqual:
      return looseEquals(left, right) === (code === BinaryCode.Equal)
  }
  return applyBinary(code, toPrimitive(left), toPrimitive(right))
}

function looseEquals(left: Value, right: Value): boolean {
  const leftObject = typeof left === 'object' && left !== null
  const rightObject = typeof right === 'object' && right !== null
  if (leftObject && rightObject) return left === right
  return applyBinary(BinaryCode.Equal, toPrimitive(left), toPrimitive(right)) as boolean
}

function describeCallee(callee: Expr): string {
  if (callee.kind === 'Identifier') return `"${callee.name}"`
  if (callee.kind === 'Member' && !callee.computed && callee.property.kind === 'Literal')
    return `"${String(callee.property.value)}"`
  return 'The callee'
}
