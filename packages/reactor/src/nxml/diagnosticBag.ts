import type { Diagnostic, Span } from '@nexus/protocol'
import { DIAGNOSTIC_CODES, type DiagnosticKey } from './diagnosticCodes.ts'
import { LineMap } from './lineColumn.ts'

/** Collects diagnostics for one source, turning spans into 1-based lines and columns. */
export class DiagnosticBag {
  readonly items: Diagnostic[] = []
  constructor(
    private readonly source: string,
    private readonly lines = new LineMap(source),
  ) {}

  add(key: DiagnosticKey, span: Span, message: string, suggestion?: string): void {
    const info = DIAGNOSTIC_CODES[key]
    const start = this.lines.at(clamp(span.start, this.source.length))
    const end = this.lines.at(clamp(Math.max(span.end, span.start), this.source.length))
    const diagnostic: Diagnostic = {
      code: info.code,
      severity: info.severity,
      message,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      span: { start: span.start, end: Math.max(span.end, span.start) },
    }
    if (suggestion !== undefined) diagnostic.suggestion = suggestion
    this.items.push(diagnostic)
  }

  get count(): number {
    return this.items.length
  }
}

function clamp(n: number, length: number): number {
  return Math.max(0, Math.min(n, length))
}
