/** A value with every `span` (and a handler's `line`) removed, deeply: positions are not part of meaning. */
export type WithoutSpans<T> = T extends (infer U)[]
  ? WithoutSpans<U>[]
  : T extends object
    ? { [K in keyof T as K extends 'span' | 'line' ? never : K]: WithoutSpans<T[K]> }
    : T

/**
 * Drops spans and handler lines so two ASTs of the same panel written differently compare equal.
 * @example expect(stripSpans(parseNxml(serializeNxml(ast)).ast)).toEqual(stripSpans(ast))
 */
export function stripSpans<T>(value: T): WithoutSpans<T> {
  return strip(value) as WithoutSpans<T>
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip)
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  const kind = (value as { kind?: unknown }).kind
  for (const [k, v] of Object.entries(value)) {
    if (k === 'span' || (k === 'line' && kind === 'Handler')) continue
    Object.defineProperty(out, k, { value: strip(v), enumerable: true, writable: true, configurable: true })
  }
  return out
}
