/** A function an expression may call: a whitelisted helper, a bound safe method, or an arrow function. */
export class SafeFunction {
  constructor(
    readonly name: string,
    readonly invoke: (args: Value[]) => Value,
  ) {}
}

/** What an expression can evaluate to: JSON-like data, `undefined`, or a callable. */
export type Value = null | undefined | boolean | number | string | Value[] | ValueObject | SafeFunction
export interface ValueObject {
  [key: string]: Value
}

/** Thrown inside the evaluator only; `evaluateExpression` turns it into an error value with a span. */
export class ExprRuntimeError extends Error {
  constructor(message: string) {
    super(message)
  }
}

export function isPlainObject(v: unknown): v is ValueObject {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false
  const proto: unknown = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

/** JavaScript's string conversion, without ever running a user-controlled `toString`. */
export function toText(v: Value): string {
  if (v === undefined || v === null) return String(v)
  if (Array.isArray(v)) return v.map((x) => (x === null || x === undefined ? '' : toText(x))).join(',')
  if (v instanceof SafeFunction) return `function ${v.name}`
  if (typeof v === 'object') return '[object Object]'
  return String(v)
}

/** Converts to a primitive the way `+`, `<` and `==` do in JavaScript, for JSON-like values. */
export function toPrimitive(v: Value): null | undefined | boolean | number | string {
  if (v === null || v === undefined || typeof v !== 'object') return v
  return toText(v)
}

export function describe(v: Value): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  if (v instanceof SafeFunction) return 'a function'
  return typeof v === 'object' ? 'an object' : typeof v
}
