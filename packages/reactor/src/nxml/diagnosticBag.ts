import type { Diagnostic, Span } from '@nexus/protocol'
import { DIAGNOSTIC_CODES, type DiagnosticKey } from './diagnosticCodes.ts'
import { LineMap } from './lineColumn.ts'

/** Diagnostics one source reports at most; hostile input could otherwise ask for one per element. */
export const MAX_DIAGNOSTICS = 200
/** Longest message or suggestion kept; longer ones (a huge attribute value quoted back) lose their middle. */
export const MAX_MESSAGE_LENGTH = 1000

const SEVERITY_RANK = { info: 0, warning: 1, error: 2 } as const

/**
 * Collects diagnostics for one source, turning spans into 1-based lines and columns. Keeps the first
 * `MAX_DIAGNOSTICS`; `list()` adds one more that counts the rest (with the worst severity among them).
 */
export class DiagnosticBag {
  readonly items: Diagnostic[] = []
  private dropped = 0
  private droppedSeverity: Diagnostic['severity'] = 'info'
  constructor(
    private readonly source: string,
    private readonly lines = new LineMap(source),
  ) {}

  add(key: DiagnosticKey, span: Span, message: string, suggestion?: string): void {
    const info = DIAGNOSTIC_CODES[key]
    if (this.items.length >= MAX_DIAGNOSTICS) {
      this.dropped++
      if (SEVERITY_RANK[info.severity] > SEVERITY_RANK[this.droppedSeverity]) this.droppedSeverity = info.severity
      return
    }
    const start = this.lines.at(clamp(span.start, this.source.length))
    const end = this.lines.at(clamp(Math.max(span.end, span.start), this.source.length))
    const diagnostic: Diagnostic = {
      code: info.code,
      severity: info.severity,
      message: bounded(message),
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      span: { start: span.start, end: Math.max(span.end, span.start) },
    }
    if (suggestion !== undefined) diagnostic.suggestion = bounded(suggestion)
    this.items.push(diagnostic)
  }

  /** Whether further diagnostics are only counted (callers may skip work that only locates them). */
  get full(): boolean {
    return this.items.length >= MAX_DIAGNOSTICS
  }

  /** Every diagnostic added, kept or not (the parser compares counts to report one mistake once). */
  get count(): number {
    return this.items.length + this.dropped
  }

  /** The kept diagnostics in source order, then the count of the rest when some were dropped. */
  list(): Diagnostic[] {
    const sorted = sortDiagnostics(this.items)
    if (this.dropped === 0) return sorted
    const end = this.lines.at(this.source.length)
    sorted.push({
      code: DIAGNOSTIC_CODES.TOO_MANY_DIAGNOSTICS.code,
      severity: this.droppedSeverity,
      message: `${this.dropped} more diagnostics not shown; fix these first`,
      line: end.line,
      column: end.column,
      endLine: end.line,
      endColumn: end.column,
      span: { start: this.source.length, end: this.source.length },
    })
    return sorted
  }
}

/** Source order, so a reader meets them top to bottom. */
export function sortDiagnostics(items: Diagnostic[]): Diagnostic[] {
  if (items.length < 2) return items.slice()
  return [...items].sort(bySourceOrder)
}

function bySourceOrder(a: Diagnostic, b: Diagnostic): number {
  return (a.span?.start ?? 0) - (b.span?.start ?? 0)
}

function bounded(text: string): string {
  if (text.length <= MAX_MESSAGE_LENGTH) return text
  const half = MAX_MESSAGE_LENGTH >> 1
  return `${text.slice(0, half - 1)}…${text.slice(text.length - half)}`
}

function clamp(n: number, length: number): number {
  return Math.max(0, Math.min(n, length))
}
