/** 1-based line and column of an offset. */
export interface LineColumn {
  line: number
  column: number
}

/** Line starts computed once, so many offsets of one source convert in O(log n) each. */
export class LineMap {
  private readonly starts: number[] = [0]

  constructor(source: string) {
    for (let i = 0; i < source.length; i++) {
      if (source.charCodeAt(i) === 10) this.starts.push(i + 1)
    }
  }

  at(offset: number): LineColumn {
    let lo = 0
    let hi = this.starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (this.starts[mid]! <= offset) lo = mid
      else hi = mid - 1
    }
    return { line: lo + 1, column: offset - this.starts[lo]! + 1 }
  }
}

/**
 * The 1-based line and column of `offset` in `source` (offsets past the end clamp to the end).
 * @example lineColumn('a\nbc', 3) // {line: 2, column: 2}
 */
export function lineColumn(source: string, offset: number): LineColumn {
  return new LineMap(source).at(Math.max(0, Math.min(offset, source.length)))
}
