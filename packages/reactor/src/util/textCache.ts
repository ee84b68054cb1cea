/**
 * A bounded cache keyed by (possibly long) text that never hashes the whole text. A `Map` keyed by a fresh
 * string hashes every character of it (~1.3 ns each here: ~0.5 µs for a 360-character handler, more than
 * the analysis it caches); this one keys on the length and at most 32 sampled characters and confirms a
 * hit by comparing the text. Buckets hold at most {@link BUCKET} entries, so even texts crafted to share a
 * fingerprint cost a few comparisons per lookup.
 */
export class TextCache<V> {
  private buckets = new Map<number, { text: string; value: V }[]>()
  private size = 0

  constructor(private readonly limit: number) {}

  /** The entry for `text` (its value may itself be undefined), or undefined when there is none. */
  lookup(text: string): { value: V } | undefined {
    const bucket = this.buckets.get(fingerprint(text))
    if (bucket) for (const entry of bucket) if (entry.text === text) return entry
    return undefined
  }

  set(text: string, value: V): void {
    if (this.size >= this.limit) this.clear()
    const key = fingerprint(text)
    const bucket = this.buckets.get(key)
    if (!bucket) this.buckets.set(key, [{ text, value }])
    else {
      if (bucket.length >= BUCKET) bucket.shift()
      else this.size++
      bucket.push({ text, value })
      return
    }
    this.size++
  }

  /**
   * A new map rather than `Map.clear()`: V8 links a cleared (or outgrown) table to its successor, so a dead
   * table already promoted to the old generation keeps every later table and all their entries alive through
   * each scavenge (they are promoted in turn); emptied once per panel, that was ~2.3 MB promoted per scavenge.
   */
  clear(): void {
    this.buckets = new Map()
    this.size = 0
  }
}

const BUCKET = 4

/** The length and up to 32 characters spread over the text, mixed into a 32-bit integer. */
function fingerprint(text: string): number {
  const n = text.length
  const step = n <= 32 ? 1 : Math.floor(n / 32)
  let h = n
  for (let i = 0; i < n; i += step) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0
  return h
}

/** Sets `key` in a bounded `Map` cache, emptying it first when it holds `limit` entries. */
export function setBounded<K, V>(cache: Map<K, V>, limit: number, key: K, value: V): void {
  if (cache.size >= limit) cache.clear()
  cache.set(key, value)
}
