import type { NogEntity } from './types.ts'

/** A property value the index orders: numbers and strings, each type in its own sorted list. */
export type Orderable = number | string

/** One end of a range: the value and whether it is included. */
export interface Bound {
  value: Orderable
  inclusive: boolean
}

/** Values of one type between two optional bounds (an equality is a range with equal inclusive bounds). */
export interface PropertyRange {
  type: 'number' | 'string'
  lo?: Bound
  hi?: Bound
}

/**
 * What every match of a filter must hold on one property: its value lies in one of `ranges` (none: nothing
 * can match). Derived from `eq`, `in`, `gt`, `gte`, `lt`, `lte` conditions on `properties.<key>`.
 */
export interface PropertyHint {
  key: string
  ranges: PropertyRange[]
}

/** The sorted buffer is merged into the run once it holds more than this, or √(run length) if larger. */
const MIN_BUFFER = 64

const pairBefore = (av: Orderable, aid: string, bv: Orderable, bid: string) => av < bv || (av === bv && aid < bid)

/** First position in the sorted pairs that is not before `(value, id)`. */
function lowerPair(values: Orderable[], ids: string[], value: Orderable, id: string): number {
  let [lo, hi] = [0, values.length]
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (pairBefore(values[mid]!, ids[mid]!, value, id)) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** First position whose value is past `bound` seen from below (`>= v` when inclusive, `> v` otherwise). */
function lowerValue(values: Orderable[], bound: Bound | undefined): number {
  if (!bound) return 0
  let [lo, hi] = [0, values.length]
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    const v = values[mid]!
    if (v < bound.value || (!bound.inclusive && v === bound.value)) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** First position whose value is past `bound` seen from above (`> v` when inclusive, `>= v` otherwise). */
function upperValue(values: Orderable[], bound: Bound | undefined): number {
  if (!bound) return values.length
  let [lo, hi] = [0, values.length]
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    const v = values[mid]!
    if (v < bound.value || (bound.inclusive && v === bound.value)) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * `(value, id)` pairs of one type in (value, id) order: a long sorted run plus a short sorted buffer. Adds go
 * to the buffer (a small splice); removals mark the run; the buffer is merged into the run (dropping marks)
 * once it grows past √n, so a write costs O(√n) amortised and a range read O(log n + buffer + matches).
 */
class SortedPairs {
  private values: Orderable[] = []
  private ids: string[] = []
  private dead = new Uint8Array(0)
  private deadCount = 0
  private readonly bufValues: Orderable[] = []
  private readonly bufIds: string[] = []

  get size(): number {
    return this.values.length - this.deadCount + this.bufValues.length
  }

  add(value: Orderable, id: string): void {
    const at = lowerPair(this.bufValues, this.bufIds, value, id)
    this.bufValues.splice(at, 0, value)
    this.bufIds.splice(at, 0, id)
    if (this.bufValues.length > Math.max(MIN_BUFFER, Math.sqrt(this.values.length))) this.merge()
  }

  remove(value: Orderable, id: string): void {
    const inBuffer = lowerPair(this.bufValues, this.bufIds, value, id)
    if (this.bufValues[inBuffer] === value && this.bufIds[inBuffer] === id) {
      this.bufValues.splice(inBuffer, 1)
      this.bufIds.splice(inBuffer, 1)
      return
    }
    const at = lowerPair(this.values, this.ids, value, id)
    if (this.values[at] !== value || this.ids[at] !== id || this.dead[at]) return
    this.dead[at] = 1
    if (++this.deadCount > this.values.length / 2) this.merge()
  }

  /** How many pairs lie in `range` (dead ones included: an estimate for choosing an index). */
  count(range: PropertyRange): number {
    const run = upperValue(this.values, range.hi) - lowerValue(this.values, range.lo)
    const buffer = upperValue(this.bufValues, range.hi) - lowerValue(this.bufValues, range.lo)
    return Math.max(0, run) + Math.max(0, buffer)
  }

  /** Ids whose value lies in `range`, in value order. */
  *inRange(range: PropertyRange): Generator<string> {
    let i = lowerValue(this.values, range.lo)
    const end = upperValue(this.values, range.hi)
    let j = lowerValue(this.bufValues, range.lo)
    const bufEnd = upperValue(this.bufValues, range.hi)
    while (i < end || j < bufEnd) {
      const fromRun =
        j >= bufEnd || (i < end && pairBefore(this.values[i]!, this.ids[i]!, this.bufValues[j]!, this.bufIds[j]!))
      if (fromRun) {
        if (!this.dead[i]) yield this.ids[i]!
        i++
      } else yield this.bufIds[j++]!
    }
  }

  private merge(): void {
    const values: Orderable[] = []
    const ids: string[] = []
    let [i, j] = [0, 0]
    const [n, m] = [this.values.length, this.bufValues.length]
    while (i < n || j < m) {
      if (i < n && this.dead[i]) {
        i++
      } else if (j >= m || (i < n && pairBefore(this.values[i]!, this.ids[i]!, this.bufValues[j]!, this.bufIds[j]!))) {
        values.push(this.values[i]!)
        ids.push(this.ids[i++]!)
      } else {
        values.push(this.bufValues[j]!)
        ids.push(this.bufIds[j++]!)
      }
    }
    this.values = values
    this.ids = ids
    this.dead = new Uint8Array(values.length)
    this.deadCount = 0
    this.bufValues.length = 0
    this.bufIds.length = 0
  }
}

/**
 * Every entity's `properties` values (numbers and strings) sorted per key, so a filter with a range or an
 * equality on `properties.<key>` starts from the entities in that range instead of scanning a category or
 * the whole graph. Kept in step by `GraphIndex` on every put and removal.
 */
export class PropertyIndex {
  private readonly lists = new Map<string, SortedPairs>()

  add(entity: NogEntity): void {
    for (const [key, value] of Object.entries(entity.properties)) {
      const list = this.list(key, value, true)
      list?.add(value as Orderable, entity.id)
    }
  }

  remove(entity: NogEntity): void {
    for (const [key, value] of Object.entries(entity.properties)) {
      const list = this.list(key, value, false)
      if (!list) continue
      list.remove(value as Orderable, entity.id)
      if (list.size === 0) this.lists.delete(listKey(key, typeof value))
    }
  }

  /** About how many entities `hint` lets through. */
  count(hint: PropertyHint): number {
    let total = 0
    for (const range of hint.ranges) total += this.lists.get(listKey(hint.key, range.type))?.count(range) ?? 0
    return total
  }

  /** The ids of entities whose value satisfies `hint` (each once: its ranges never overlap). */
  *ids(hint: PropertyHint): Generator<string> {
    for (const range of hint.ranges) {
      const list = this.lists.get(listKey(hint.key, range.type))
      if (list) yield* list.inRange(range)
    }
  }

  private list(key: string, value: unknown, create: boolean): SortedPairs | undefined {
    if (typeof value !== 'number' && typeof value !== 'string') return undefined
    const name = listKey(key, typeof value)
    let list = this.lists.get(name)
    if (!list && create) this.lists.set(name, (list = new SortedPairs()))
    return list
  }
}

const listKey = (key: string, type: string) => `${type === 'number' ? 'n' : 's'}\0${key}`
