/** 1-based line and column of an offset. */
export interface LineColumn {
  line: number
  column: number
}

/** Line starts computed once (on first use), so many offsets of one source convert in O(log n) each. */
export class LineMap {
  private lazyStarts: number[] | undefined

  constructor(private readonly source: string) {}

  private get starts(): number[] {
    if (this.lazyStarts) return this.lazyStarts
    const starts = [0]
    for (let i = this.source.indexOf('\n'); i !== -1; i = this.source.indexOf('\n', i + 1)) starts.push(i + 1)
    return (this.lazyStarts = starts)
  }

  /** Line of the last `line()` answer and the offset of its start, for forward queries without the table. */
  private cursorLine = 1
  private cursorStart = 0

  /**
   * The 1-based line of `offset`. Queries in source order (the lowering asks for each handler's line) only
   * count the newlines between the previous answer and this one.
   */
  line(offset: number): number {
    if (this.lazyStarts || offset < this.cursorStart) return this.at(offset).line
    let line = this.cursorLine
    let start = this.cursorStart
    for (let i = this.source.indexOf('\n', start); i !== -1 && i < offset; i = this.source.indexOf('\n', i + 1)) {
      line++
      start = i + 1
    }
    this.cursorLine = line
    this.cursorStart = start
    return line
  }

  at(offset: number): LineColumn {
    const starts = this.starts
    let lo = 0
    let hi = starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (starts[mid]! <= offset) lo = mid
      else hi = mid - 1
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 }
  }
}

/**
 * The 1-based line and column of `offset` in `source` (offsets past the end clamp to the end).
 * @example lineColumn('a\nbc', 3) // {line: 2, column: 2}
 */
export function lineColumn(source: string, offset: number): LineColumn {
  return new LineMap(source).at(Math.max(0, Math.min(offset, source.length)))
}
