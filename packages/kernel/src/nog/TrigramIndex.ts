/**
 * Case-insensitive substring search over many short texts. Each text's trigrams point at its id; a query
 * walks the posting list of its rarest trigram and checks each candidate against the text itself, so a
 * search costs the matches of that trigram, not the size of the graph. Posting lists are append-only:
 * replaced and deleted texts leave stale entries, skipped at query time and dropped by a rebuild once they
 * outnumber the live texts.
 */
export class TrigramIndex {
  private readonly texts = new Map<string, string>()
  private postings = new Map<string, string[]>()
  private stale = 0

  get(id: string): string | undefined {
    return this.texts.get(id)
  }

  set(id: string, text: string): void {
    const lower = text.toLowerCase()
    const old = this.texts.get(id)
    if (old === lower) return
    if (old !== undefined) this.stale++
    this.texts.set(id, lower)
    this.post(id, lower)
    this.compactIfStale()
  }

  delete(id: string): void {
    if (this.texts.delete(id)) this.stale++
    this.compactIfStale()
  }

  /** Ids whose text contains `needle` (any case), in no particular order. */
  *search(needle: string): Generator<string> {
    const lower = needle.toLowerCase()
    if (lower.length < 3) {
      for (const [id, text] of this.texts) if (text.includes(lower)) yield id
      return
    }
    let rarest: string[] | undefined
    for (const gram of trigrams(lower)) {
      const list = this.postings.get(gram)
      if (!list) return // some trigram occurs nowhere: nothing matches
      if (!rarest || list.length < rarest.length) rarest = list
    }
    const seen = new Set<string>()
    for (const id of rarest ?? []) {
      if (seen.has(id)) continue
      seen.add(id)
      if (this.texts.get(id)?.includes(lower)) yield id
    }
  }

  private post(id: string, text: string): void {
    for (const gram of trigrams(text)) {
      const list = this.postings.get(gram)
      if (list) list.push(id)
      else this.postings.set(gram, [id])
    }
  }

  private compactIfStale(): void {
    if (this.stale <= this.texts.size || this.stale < 1000) return
    this.postings = new Map()
    this.stale = 0
    for (const [id, text] of this.texts) this.post(id, text)
  }
}

function trigrams(text: string): Set<string> {
  const grams = new Set<string>()
  for (let i = 0; i + 3 <= text.length; i++) grams.add(text.slice(i, i + 3))
  return grams
}
