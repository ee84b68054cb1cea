import { ExprRuntimeError, SafeFunction, toText, type Value } from './values.ts'

type Method<T> = (receiver: T, args: Value[]) => Value

function callback(args: Value[], method: string): SafeFunction {
  const fn = args[0]
  if (!(fn instanceof SafeFunction)) throw new ExprRuntimeError(`${method} expects a function such as "x => x.done"`)
  return fn
}

function integerArg(v: Value, fallback: number | undefined, method: string): number | undefined {
  if (v === undefined) return fallback
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ExprRuntimeError(`${method} expects a number`)
  return Math.trunc(v)
}

// Callbacks receive (item, index) but never the array itself, so a callback cannot alias its receiver.
const ARRAY_METHODS: Record<string, Method<Value[]>> = {
  map: (a, args) => {
    const fn = callback(args, 'map')
    return a.map((x, i) => fn.invoke([x, i]))
  },
  filter: (a, args) => {
    const fn = callback(args, 'filter')
    return a.filter((x, i) => truthy(fn.invoke([x, i])))
  },
  find: (a, args) => {
    const fn = callback(args, 'find')
    return a.find((x, i) => truthy(fn.invoke([x, i])))
  },
  findIndex: (a, args) => {
    const fn = callback(args, 'findIndex')
    return a.findIndex((x, i) => truthy(fn.invoke([x, i])))
  },
  some: (a, args) => {
    const fn = callback(args, 'some')
    return a.some((x, i) => truthy(fn.invoke([x, i])))
  },
  every: (a, args) => {
    const fn = callback(args, 'every')
    return a.every((x, i) => truthy(fn.invoke([x, i])))
  },
  reduce: (a, args) => {
    const fn = callback(args, 'reduce')
    if (args.length < 2 && a.length === 0) throw new ExprRuntimeError('reduce of an empty array needs an initial value')
    let acc = args.length >= 2 ? args[1] : a[0]
    for (let i = args.length >= 2 ? 0 : 1; i < a.length; i++) acc = fn.invoke([acc, a[i], i])
    return acc
  },
  includes: (a, args) => a.includes(args[0]),
  indexOf: (a, args) => a.indexOf(args[0]),
  join: (a, args) =>
    a.map((x) => (x === null || x === undefined ? '' : toText(x))).join(args[0] === undefined ? ',' : toText(args[0])),
  slice: (a, args) => a.slice(integerArg(args[0], 0, 'slice'), integerArg(args[1], undefined, 'slice')),
}

const STRING_METHODS: Record<string, Method<string>> = {
  toUpperCase: (s) => s.toUpperCase(),
  toLowerCase: (s) => s.toLowerCase(),
  trim: (s) => s.trim(),
  includes: (s, args) => s.includes(toText(args[0])),
  startsWith: (s, args) => s.startsWith(toText(args[0])),
  endsWith: (s, args) => s.endsWith(toText(args[0])),
  indexOf: (s, args) => s.indexOf(toText(args[0])),
  slice: (s, args) => s.slice(integerArg(args[0], 0, 'slice'), integerArg(args[1], undefined, 'slice')),
  split: (s, args) => s.split(toText(args[0])),
}

const NUMBER_METHODS: Record<string, Method<number>> = {
  toFixed: (n, args) => {
    const digits = integerArg(args[0], 0, 'toFixed') ?? 0
    if (digits < 0 || digits > 100) throw new ExprRuntimeError('toFixed expects between 0 and 100 digits')
    return n.toFixed(digits)
  },
}

function table(receiver: Value): Record<string, Method<never>> | undefined {
  if (Array.isArray(receiver)) return ARRAY_METHODS
  if (typeof receiver === 'string') return STRING_METHODS
  if (typeof receiver === 'number') return NUMBER_METHODS
  return undefined
}

export function hasMethod(receiver: Value, name: string): boolean {
  const methods = table(receiver)
  return methods !== undefined && Object.hasOwn(methods, name)
}

export function callMethod(receiver: Value, name: string, args: Value[]): Value {
  const method = table(receiver)?.[name] as Method<Value> | undefined
  if (!method) throw new ExprRuntimeError(`"${name}" is not an allowed method`)
  return method(receiver, args)
}

export function truthy(v: Value): boolean {
  return Boolean(v)
}

/** The names expressions may call as methods, for documentation and completion. */
export const ALLOWED_METHODS = {
  array: Object.keys(ARRAY_METHODS),
  string: Object.keys(STRING_METHODS),
  number: Object.keys(NUMBER_METHODS),
}
