import {
  applyBinary,
  applyUnary,
  BinaryCode,
  type OperatorPrimitive,
  type Tier0Expr as Expr,
  type Tier0Program,
  type Tier0Stmt as Stmt,
  type Tier0Target as Target,
  UnaryCode,
} from '@nexus/protocol'

/**
 * Thrown whenever tier 0 cannot vouch for giving QuickJS's answer: an operator would coerce an object or a
 * string to a number, a property would come from a prototype, a write would make an array sparse or touch a
 * frozen `$args` object, a size budget ran out. Any other exception is treated the same way by the caller.
 */
export const BAIL = Symbol('tier 0 bail')

type Value = unknown
type Bag = Record<string, unknown>

export interface Tier0Evaluation {
  /** What the handler returned (undefined when it did not). */
  returned: unknown
  /** An existing object was stored or put in a literal: the output may be a DAG or a cycle; walk it bounded. */
  aliased: boolean
  /** A value JSON would change (NaN, ±Infinity, -0, undefined) was stored or put in a literal. */
  unjson: boolean
  /**
   * An upper bound on how many UTF-16 units of JSON the writes added to the state's text (Infinity once an
   * object was stored): input JSON length + `grown` bounds the output's.
   */
  grown: number
}

/**
 * Runs a tier-0 program against copies of the inputs (mutating `state` in place), with JS semantics for
 * primitive operands only. No loops or calls, so it ends in time linear in the program's size. `budget` is
 * the size budget left after the inputs; strings built or stored count against it.
 */
export function evaluateTier0(
  program: Tier0Program,
  state: Bag,
  args: unknown,
  computed: unknown,
  budget: number,
): Tier0Evaluation {
  const evaluator = new Evaluator(state, args, computed, budget, program.placesInputs)
  evaluator.run(program.body)
  return {
    returned: evaluator.returned,
    aliased: evaluator.aliased,
    unjson: evaluator.unjson,
    grown: evaluator.grown,
  }
}

class Evaluator {
  returned: unknown = undefined
  aliased = false
  unjson = false
  grown = 0
  /** Size budget left (characters): strings built or stored count against it. */
  budget: number
  readonly #roots: { $state: Bag; $args: unknown; $computed: unknown }
  /** Objects built by literals in this run and not yet placed anywhere. */
  #fresh: Set<object> | undefined
  readonly #checkFrozen: boolean

  constructor(state: Bag, args: unknown, computed: unknown, budget: number, checkFrozen: boolean) {
    this.#roots = { $state: state, $args: args, $computed: computed }
    this.budget = budget
    this.#checkFrozen = checkFrozen
  }

  /** Executes `body`; true once a `return` ran. */
  run(body: readonly Stmt[]): boolean {
    for (const stmt of body) {
      switch (stmt.kind) {
        case 'assign':
          this.#assign(stmt.target, stmt.code, stmt.value)
          break
        case 'update': {
          const object = this.#object(stmt.target.object)
          this.#put(object, stmt.target.key, toNumber(read(object, stmt.target.key)) + stmt.delta)
          break
        }
        case 'return':
          this.returned = stmt.value === undefined ? undefined : this.#eval(stmt.value)
          return true
        case 'if':
          if (this.run(this.#eval(stmt.test) ? stmt.consequent : stmt.alternate)) return true
      }
    }
    return false
  }

  #assign(target: Target, code: BinaryCode | undefined, valueExpr: Expr): void {
    const object = this.#object(target.object)
    if (code === undefined) return this.#put(object, target.key, this.#place(this.#eval(valueExpr)))
    const old = read(object, target.key)
    this.#put(object, target.key, this.#binary(code, old, this.#eval(valueExpr)))
  }

  #eval(expr: Expr): Value {
    switch (expr.kind) {
      case 'literal':
        return expr.value
      case 'root':
        return this.#roots[expr.name]
      case 'member':
        return read(this.#object(expr.object), expr.key)
      case 'unary':
        return unary(expr.code, this.#eval(expr.argument))
      case 'binary':
        return this.#binary(expr.code, this.#eval(expr.left), this.#eval(expr.right))
      case 'logical': {
        const left = this.#eval(expr.left)
        if (expr.op === '&&') return left ? this.#eval(expr.right) : left
        if (expr.op === '||') return left ? left : this.#eval(expr.right)
        return left === null || left === undefined ? this.#eval(expr.right) : left
      }
      case 'conditional':
        return this.#eval(expr.test) ? this.#eval(expr.consequent) : this.#eval(expr.alternate)
      case 'array':
        return this.#markFresh(expr.elements.map((element) => this.#place(this.#eval(element))))
      case 'object': {
        const object: Bag = {}
        expr.keys.forEach((key, i) => {
          // CreateDataProperty, like an object literal (never a setter, even on a polluted prototype).
          const value = this.#place(this.#eval(expr.values[i]!))
          Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true })
        })
        return this.#markFresh(object)
      }
    }
  }

  /**
   * The table's operator `code` (operators.ts) on `a` and `b`, after refusing every coercion that could
   * differ from QuickJS's (an object or a string turned into a number): what remains is JS on primitives.
   */
  #binary(code: BinaryCode, a: Value, b: Value): Value {
    switch (code) {
      case BinaryCode.Add:
        if (typeof a === 'string' || typeof b === 'string') {
          if (isObject(a) || isObject(b)) throw BAIL
          const joined = applyBinary(code, a as OperatorPrimitive, b as OperatorPrimitive) as string
          this.#charge(joined.length)
          return joined
        }
        return applyBinary(code, toNumber(a), toNumber(b))
      case BinaryCode.StrictEqual:
      case BinaryCode.StrictNotEqual:
        return (a === b) === (code === BinaryCode.StrictEqual)
      case BinaryCode.Equal:
      case BinaryCode.NotEqual:
        return looseEquals(a, b) === (code === BinaryCode.Equal)
      case BinaryCode.Less:
      case BinaryCode.LessEqual:
      case BinaryCode.Greater:
      case BinaryCode.GreaterEqual:
        // Two strings compare by code units; otherwise both operands go through toNumber.
        if (typeof a === 'string' && typeof b === 'string') return applyBinary(code, a, b)
        return applyBinary(code, toNumber(a), toNumber(b))
      default:
        return applyBinary(code, toNumber(a), toNumber(b)) // - * / %
    }
  }

  /** The value of `expr`, which must be an object or array (a property base). */
  #object(expr: Expr): Bag {
    const value = this.#eval(expr)
    if (!isObject(value)) throw BAIL
    return value as Bag
  }

  /**
   * `object[key] = value` as [[Set]] would do it, for the cases where that is a plain own data write: no
   * prototype property of that name, no sparse or non-index array write, no frozen (`$args`) object.
   */
  #put(object: Bag, key: string, value: Value): void {
    if (Array.isArray(object)) {
      if (!isArrayIndex(key) || Number(key) > object.length) throw BAIL
    } else if (!Object.hasOwn(object, key) && key in object) throw BAIL
    if (this.#checkFrozen && Object.isFrozen(object)) throw BAIL
    if (isObject(value)) this.grown = Infinity
    else {
      if (!isJsonPrimitive(value)) this.unjson = true
      // `,"key":value`, every character escaped at worst (`\u0000`); a number's JSON is at most 24 long.
      this.grown += 6 * key.length + 4 + (typeof value === 'string' ? 6 * value.length + 2 : 24)
    }
    object[key] = value
  }

  /** A value about to be stored or put in a literal: strings count against the budget, objects may alias. */
  #place(value: Value): Value {
    if (typeof value === 'string') this.#charge(value.length)
    else if (isObject(value)) {
      if (!this.#fresh?.delete(value)) this.aliased = true
    } else if (!isJsonPrimitive(value)) this.unjson = true
    return value
  }

  #markFresh<T extends object>(object: T): T {
    this.#fresh ??= new Set()
    this.#fresh.add(object)
    return object
  }

  #charge(chars: number): void {
    this.budget -= chars
    if (this.budget < 0) throw BAIL
  }
}

/** An own property's value; undefined when absent everywhere; BAIL when a prototype has it (e.g. `push`). */
function read(object: Bag, key: string): Value {
  if (Object.hasOwn(object, key)) return object[key]
  if (key in object) throw BAIL
  return undefined
}

/** `! typeof` take any value; `- +` only what {@link toNumber} converts without a doubt. */
function unary(code: UnaryCode, value: Value): Value {
  if (code === UnaryCode.Not) return !value
  if (code === UnaryCode.Typeof) return typeof value
  return applyUnary(code, toNumber(value))
}

/** ToNumber for the primitives whose conversion cannot differ between engines; strings and objects bail. */
function toNumber(value: Value): number {
  switch (typeof value) {
    case 'number':
      return value
    case 'boolean':
      return value ? 1 : 0
    case 'undefined':
      return NaN
    default:
      if (value === null) return 0
      throw BAIL
  }
}

/** `==` without the coercions that call into objects or parse strings as numbers (those bail). */
function looseEquals(a: Value, b: Value): boolean {
  if (typeof a === typeof b) return a === b
  if (a === null || a === undefined || b === null || b === undefined) return a == b
  if (isObject(a) || isObject(b) || typeof a === 'string' || typeof b === 'string') throw BAIL
  return a == b // number and boolean
}

/** A primitive that survives a JSON round trip unchanged (not NaN, ±Infinity, -0 or undefined). */
export function isJsonPrimitive(value: Value): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true
    case 'number':
      return Number.isFinite(value) && !(value === 0 && 1 / value < 0)
    default:
      return value === null
  }
}

function isObject(value: Value): value is object {
  return typeof value === 'object' && value !== null
}

/** A canonical array index ("0", "17"; not "01", "-1", "1.5" or 2^32 − 1). */
function isArrayIndex(key: string): boolean {
  return /^(?:0|[1-9][0-9]*)$/.test(key) && Number(key) < 4294967295
}
