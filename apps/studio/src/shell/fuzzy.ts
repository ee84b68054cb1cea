/** A match of a query in a text: its score (higher is better) and the matched character offsets. */
export interface FuzzyMatch {
  score: number
  positions: number[]
}

const WORD_START = 8
const CONSECUTIVE = 5
const FIRST_CHAR = 4
const GAP = 1

function isWordStart(text: string, i: number): boolean {
  if (i === 0) return true
  const before = text[i - 1]!
  const here = text[i]!
  if (/[\s\-_/.:()]/.test(before)) return true
  // camelCase: "newPanel" has a word start at "P"
  return before === before.toLowerCase() && here !== here.toLowerCase()
}

/**
 * Scores `query` as a subsequence of `text` (case-insensitive): each matched character scores 1, more at a
 * word start and when it follows the previous match; gaps cost. Answers `undefined` when some query character
 * is missing. Among the ways to match it picks the best by dynamic programming over (query char, text char).
 *
 * @example fuzzyMatch('gs', 'Go to settings') // positions [0, 6]: both at word starts
 */
export function fuzzyMatch(query: string, text: string): FuzzyMatch | undefined {
  const q = query.replace(/\s+/g, '').toLowerCase()
  if (q.length === 0) return { score: 0, positions: [] }
  const t = text.toLowerCase()
  const n = t.length
  const m = q.length
  if (m > n) return undefined
  // best[j][i]: best score matching q[0..j] with q[j] at text index i; from[j][i]: index of q[j-1].
  const best: Float64Array[] = []
  const from: Int32Array[] = []
  for (let j = 0; j < m; j++) {
    const row = new Float64Array(n).fill(-Infinity)
    const back = new Int32Array(n).fill(-1)
    for (let i = j; i < n; i++) {
      if (t[i] !== q[j]) continue
      const bonus = 1 + (isWordStart(text, i) ? WORD_START : 0)
      if (j === 0) {
        row[i] = bonus + (i === 0 ? FIRST_CHAR : 0) - Math.min(i, 10) * 0.1
        continue
      }
      const prev = best[j - 1]!
      for (let k = j - 1; k < i; k++) {
        const p = prev[k]!
        if (p === -Infinity) continue
        const s = p + bonus + (k === i - 1 ? CONSECUTIVE : -Math.min(i - k - 1, 5) * GAP * 0.5)
        if (s > row[i]!) {
          row[i] = s
          back[i] = k
        }
      }
    }
    best.push(row)
    from.push(back)
  }
  const last = best[m - 1]!
  let end = -1
  for (let i = 0; i < n; i++) if (last[i]! > (end < 0 ? -Infinity : last[end]!)) end = i
  if (end < 0 || last[end] === -Infinity) return undefined
  const positions: number[] = []
  for (let j = m - 1, i = end; j >= 0; i = from[j]![i]!, j--) positions.unshift(i)
  // Shorter texts win ties: "Settings" before "Settings of the workspace" for "set".
  return { score: last[end]! - n * 0.01, positions }
}

/** The items whose text matches `query`, best first (stable for equal scores). */
export function fuzzyFilter<T>(
  items: readonly T[],
  query: string,
  text: (item: T) => string,
): { item: T; match: FuzzyMatch }[] {
  const found: { item: T; match: FuzzyMatch; index: number }[] = []
  items.forEach((item, index) => {
    const match = fuzzyMatch(query, text(item))
    if (match) found.push({ item, match, index })
  })
  found.sort((a, b) => b.match.score - a.match.score || a.index - b.index)
  return found.map(({ item, match }) => ({ item, match }))
}
