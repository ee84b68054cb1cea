import { callMethod, hasMethod } from './methods.ts'
import { ExprRuntimeError, isPlainObject, SafeFunction, type Value } from './values.ts'

/**
 * Names that can lead from data to the JavaScript object model. Reading them is an error even on an
 * object that owns such a key, so no expression can ever reach `Function` through a prototype chain.
 */
export const BLOCKED_PROPERTIES: ReadonlySet<string> = new Set([
  'constructor',
  '__proto__',
  'prototype',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
])

/**
 * Reads `object[key]` under the whitelist: own data properties of plain objects, array elements and
 * `length`, string characters and `length`, and the whitelisted methods. Anything else is `undefined`.
 */
export function getProperty(object: Value, key: Value): Value {
  const name = typeof key === 'number' ? String(key) : key
  if (typeof name !== 'string')
    throw new ExprRuntimeError(`Property keys must be strings or numbers, not ${typeof key}`)
  if (BLOCKED_PROPERTIES.has(name)) throw new ExprRuntimeError(`Access to "${name}" is not allowed`)
  if (object === null || object === undefined) throw new ExprRuntimeError(`Cannot read "${name}" of ${String(object)}`)
  if (Array.isArray(object) || typeof object === 'string') {
    if (name === 'length') return object.length
    if (/^(0|[1-9]\d*)$/.test(name)) return object[Number(name)]
  } else if (isPlainObject(object)) {
    const descriptor = Object.getOwnPropertyDescriptor(object, name)
    if (descriptor && 'value' in descriptor) return descriptor.value as Value
    return undefined
  } else if (object instanceof SafeFunction) {
    return undefined
  }
  if (hasMethod(object, name)) return new SafeFunction(name, (args) => callMethod(object, name, args))
  return undefined
}
