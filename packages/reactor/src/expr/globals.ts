import { ExprRuntimeError, SafeFunction, toPrimitive, toText, type Value, type ValueObject } from './values.ts'
import { toJson } from './toJson.ts'

function numeric(name: string, fn: (...xs: number[]) => number): SafeFunction {
  return new SafeFunction(name, (args) => fn(...args.map((a) => Number(toPrimitive(a)))))
}

/** Pure helpers every expression can call. Plain objects, so member access treats them like data. */
export const GLOBALS: Readonly<ValueObject> = Object.freeze({
  Math: Object.freeze({
    min: numeric('min', Math.min),
    max: numeric('max', Math.max),
    round: numeric('round', Math.round),
    floor: numeric('floor', Math.floor),
    ceil: numeric('ceil', Math.ceil),
    abs: numeric('abs', Math.abs),
    sqrt: numeric('sqrt', Math.sqrt),
    pow: numeric('pow', Math.pow),
    PI: Math.PI,
  }),
  String: new SafeFunction('String', (args) => (args.length === 0 ? '' : toText(args[0]))),
  Number: new SafeFunction('Number', (args) => (args.length === 0 ? 0 : Number(toPrimitive(args[0])))),
  Boolean: new SafeFunction('Boolean', (args) => Boolean(args[0])),
  JSON: Object.freeze({
    stringify: new SafeFunction('stringify', (args) => {
      const json = toJson(args[0])
      return json === undefined ? undefined : JSON.stringify(json)
    }),
  }),
  isArray: new SafeFunction('isArray', (args) => Array.isArray(args[0])),
})

export function assertCallable(v: Value, what: string): SafeFunction {
  if (!(v instanceof SafeFunction)) throw new ExprRuntimeError(`${what} is not a function`)
  return v
}
