/** Nesting beyond this is left to structured clone (a deep walk would risk the host stack). */
const MAX_DEPTH = 256

/**
 * True when `value` is exactly what `JSON.parse(JSON.stringify(value))` gives back: strings, finite numbers
 * other than -0, booleans, null, and arrays and plain objects of those (no holes, no `undefined`, no
 * `toJSON`). Such a state can travel to a worker as JSON text; anything else (NaN, Dates, …) is posted as
 * an object, so the worker diffs against the caller's actual values.
 */
export function isJsonData(value: unknown, depth = 0): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0)
    case 'object':
      if (value === null) return true
      if (depth >= MAX_DEPTH || 'toJSON' in value) return false
      return Array.isArray(value) ? isJsonArray(value, depth) : isJsonObject(value, depth)
    default:
      return false
  }
}

function isJsonArray(array: unknown[], depth: number): boolean {
  if (Object.getPrototypeOf(array) !== Array.prototype) return false
  for (let i = 0; i < array.length; i++) {
    if (!(i in array) || !isJsonData(array[i], depth + 1)) return false
  }
  return true
}

function isJsonObject(object: object, depth: number): boolean {
  const proto: unknown = Object.getPrototypeOf(object)
  if (proto !== Object.prototype && proto !== null) return false
  for (const key in object) {
    if (!Object.hasOwn(object, key)) return false
    if (!isJsonData((object as Record<string, unknown>)[key], depth + 1)) return false
  }
  return true
}
