import { FORBIDDEN_KEYS } from '@nexus/protocol'
import { BAIL } from './evaluateTier0.ts'

/** Deepest input tier 0 copies; at 64 KiB of stack QuickJS deep-freezes `$args` ~200 levels deep (measured). */
export const TIER0_MAX_INPUT_DEPTH = 64

/** Running totals of what was copied. */
export interface CopyMeter {
  /** Size budget left: characters of strings and keys plus a few per value (about the JSON length). */
  left: number
  /** An upper bound on the JSON text length of everything copied (every character escaped, numbers 24 long). */
  bound: number
}

/**
 * `JSON.parse(JSON.stringify(value))` for plain data, built directly (a tenth of the cost for small inputs):
 * own enumerable keys in `Object.keys` order, `undefined` dropped from objects and `null` in arrays,
 * NaN/±Infinity → null, -0 → 0. Throws {@link BAIL} for anything whose JSON form it does not model — a
 * `toJSON` (own or inherited), a prototype other than Object's, Array's or null (Dates, Maps, class
 * instances, other realms), a function, symbol or BigInt, a forbidden key, nesting deeper than
 * {@link TIER0_MAX_INPUT_DEPTH}, or
 * more than `meter.left` — so the caller falls back to the exact JSON route (QuickJS).
 * `freeze` freezes every copied object, like the guest's `$args`.
 */
export function copyJson(value: unknown, freeze: boolean, meter: CopyMeter, depth = 0): unknown {
  switch (typeof value) {
    case 'string':
      meter.left -= value.length + 2
      meter.bound += 6 * value.length + 2
      if (meter.left < 0) throw BAIL
      return value
    case 'number':
      meter.left -= 8
      meter.bound += 24
      return value === 0 ? 0 : Number.isFinite(value) ? value : null
    case 'boolean':
      meter.left -= 5
      meter.bound += 5
      return value
    case 'object':
      if (value === null) {
        meter.left -= 4
        meter.bound += 4
        return null
      }
      if (depth >= TIER0_MAX_INPUT_DEPTH || 'toJSON' in value) throw BAIL
      return Array.isArray(value) ? copyArray(value, freeze, meter, depth) : copyObject(value, freeze, meter, depth)
    default:
      // undefined is handled by the containers. Functions and symbols cannot cross to a worker at all
      // (structured clone throws) and BigInt has no JSON form: QuickJS's route reports those.
      throw BAIL
  }
}

function copyArray(array: unknown[], freeze: boolean, meter: CopyMeter, depth: number): unknown[] {
  if (Object.getPrototypeOf(array) !== Array.prototype) throw BAIL
  const out: unknown[] = []
  meter.bound += 2
  for (let i = 0; i < array.length; i++) {
    meter.left -= 1
    meter.bound += 1
    if (meter.left < 0) throw BAIL // also ends a huge sparse array
    const item = array[i]
    out.push(item === undefined ? copyJson(null, freeze, meter) : copyJson(item, freeze, meter, depth + 1))
  }
  if (freeze) Object.freeze(out)
  return out
}

function copyObject(object: object, freeze: boolean, meter: CopyMeter, depth: number): object {
  const proto: unknown = Object.getPrototypeOf(object)
  if (proto !== Object.prototype && proto !== null) throw BAIL
  const out: Record<string, unknown> = {}
  meter.bound += 2
  for (const key of Object.keys(object)) {
    if (FORBIDDEN_KEYS.has(key)) throw BAIL
    const item = (object as Record<string, unknown>)[key]
    if (item === undefined) continue
    meter.left -= key.length + 3
    meter.bound += 6 * key.length + 4
    out[key] = copyJson(item, freeze, meter, depth + 1)
  }
  if (freeze) Object.freeze(out)
  return out
}
