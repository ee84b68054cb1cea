import type { Json } from '@nexus/protocol'
import { isPlainObject, SafeFunction, type Value } from './values.ts'

/** Turns an expression value into JSON: functions and `undefined` members drop out, non-finite numbers become null. */
export function toJson(v: Value): Json | undefined {
  if (v === undefined || v instanceof SafeFunction) return undefined
  if (typeof v === 'number') return Number.isFinite(v) ? v : null
  if (Array.isArray(v)) return v.map((x) => toJson(x) ?? null)
  if (isPlainObject(v)) {
    const out: { [key: string]: Json } = {}
    for (const [k, x] of Object.entries(v)) {
      const j = toJson(x)
      if (j !== undefined) setOwn(out, k, j)
    }
    return out
  }
  return v as Json
}

/** Defines an own property; plain assignment would treat a `__proto__` key as the prototype. */
export function setOwn<T>(target: { [key: string]: T }, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}
