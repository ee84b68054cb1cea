import type { Bound, Orderable, PropertyHint, PropertyRange } from './PropertyIndex.ts'

const PREFIX = 'properties.'

/**
 * The property ranges every match of a valid filter must lie in, one hint per key: from the conditions at
 * its top level and inside top-level `$and`s (conditions on one key narrow each other). What the index cannot
 * serve (`ne`, booleans, null, anything under `$or`) is left to the predicate, which checks every candidate.
 * @example propertyHints({ 'properties.rank': { gte: 10, lt: 20 } }) // rank in [10, 20) among numbers
 */
export function propertyHints(filter: unknown): PropertyHint[] {
  const byKey = new Map<string, PropertyRange[]>()
  collect(filter, byKey)
  return [...byKey].map(([key, ranges]) => ({ key, ranges }))
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

const isOrderable = (v: unknown): v is Orderable => typeof v === 'number' || typeof v === 'string'

function collect(node: unknown, byKey: Map<string, PropertyRange[]>): void {
  if (!isObject(node)) return
  for (const [field, condition] of Object.entries(node)) {
    if (field === '$and' && Array.isArray(condition)) {
      for (const part of condition) collect(part, byKey)
      continue
    }
    if (!field.startsWith(PREFIX) || !isObject(condition)) continue
    const key = field.slice(PREFIX.length)
    for (const [op, operand] of Object.entries(condition)) {
      const ranges = rangesOf(op, operand)
      if (!ranges) continue
      const known = byKey.get(key)
      byKey.set(key, known ? intersectAll(known, ranges) : ranges)
    }
  }
}

function rangesOf(op: string, operand: unknown): PropertyRange[] | undefined {
  const type = typeof operand === 'number' ? 'number' : 'string'
  switch (op) {
    case 'eq':
      return isOrderable(operand) ? [point(operand)] : undefined
    case 'in':
      // One range per distinct value (0 and -0 are one), so the ranges never overlap.
      return Array.isArray(operand) && operand.every(isOrderable) ? [...new Set(operand)].map(point) : undefined
    case 'gt':
    case 'gte':
      return isOrderable(operand) ? [{ type, lo: { value: operand, inclusive: op === 'gte' } }] : undefined
    case 'lt':
    case 'lte':
      return isOrderable(operand) ? [{ type, hi: { value: operand, inclusive: op === 'lte' } }] : undefined
    default:
      return undefined
  }
}

function point(value: Orderable): PropertyRange {
  const bound = { value, inclusive: true }
  return { type: typeof value === 'number' ? 'number' : 'string', lo: bound, hi: bound }
}

/** Values in some range of `a` and in some range of `b`; disjoint in, disjoint out. */
function intersectAll(a: PropertyRange[], b: PropertyRange[]): PropertyRange[] {
  const out: PropertyRange[] = []
  for (const x of a) {
    for (const y of b) {
      const both = intersect(x, y)
      if (both) out.push(both)
    }
  }
  return out
}

function intersect(a: PropertyRange, b: PropertyRange): PropertyRange | undefined {
  if (a.type !== b.type) return undefined
  const lo = tighter(a.lo, b.lo, (x, y) => x > y)
  const hi = tighter(a.hi, b.hi, (x, y) => x < y)
  if (lo && hi && (lo.value > hi.value || (lo.value === hi.value && !(lo.inclusive && hi.inclusive)))) return undefined
  const range: PropertyRange = { type: a.type }
  if (lo) range.lo = lo
  if (hi) range.hi = hi
  return range
}

/** The narrower of two bounds on the same side (`wins(x, y)`: x excludes more than y). */
function tighter(
  x: Bound | undefined,
  y: Bound | undefined,
  wins: (x: Orderable, y: Orderable) => boolean,
): Bound | undefined {
  if (!x || !y) return x ?? y
  if (wins(x.value, y.value)) return x
  if (wins(y.value, x.value)) return y
  return { value: x.value, inclusive: x.inclusive && y.inclusive }
}
