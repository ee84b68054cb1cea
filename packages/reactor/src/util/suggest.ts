/** Levenshtein distance, with an early exit once it exceeds `max`. */
function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    let best = i
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      const v = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost)
      row.push(v)
      best = Math.min(best, v)
    }
    if (best > max) return max + 1
    prev = row
  }
  return prev[b.length]!
}

/**
 * The candidate closest to `name` when it is close enough to be a likely typo (case-insensitive match,
 * or an edit distance of at most a third of the name's length, minimum 1).
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const max = Math.max(1, Math.floor(name.length / 3))
  let best: string | undefined
  let bestDistance = max + 1
  for (const c of candidates) {
    if (c === name) continue
    const d = c.toLowerCase() === name.toLowerCase() ? 0.5 : editDistance(name, c, max)
    if (d < bestDistance) {
      best = c
      bestDistance = d
    }
  }
  return best
}

/** " (did you mean `x`?)" or "". */
export function didYouMean(suggestion: string | undefined): string {
  return suggestion === undefined ? '' : ` (did you mean \`${suggestion}\`?)`
}
