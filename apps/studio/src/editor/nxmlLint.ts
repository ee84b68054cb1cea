import type { Diagnostic as CmDiagnostic } from '@codemirror/lint'
import type { Text } from '@codemirror/state'
import type { Diagnostic } from '@nexus/protocol'

/**
 * The editor range of a reactor diagnostic: its `span` (UTF-16 offsets, `end` exclusive) when it has one,
 * else its 1-based line and column, clamped to the document. A zero-length range widens to the character
 * after it (or before it at a line's or the file's end) so there is something to underline and hover.
 */
export function diagnosticRange(d: Diagnostic, doc: Text): { from: number; to: number } {
  const clamp = (n: number) => Math.max(0, Math.min(doc.length, n))
  const at = (line: number, column: number) => {
    const l = doc.line(Math.max(1, Math.min(doc.lines, line)))
    return Math.min(l.to, l.from + Math.max(0, column - 1))
  }
  let from: number
  let to: number
  if (d.span) {
    from = clamp(d.span.start)
    to = Math.max(from, clamp(d.span.end))
  } else {
    from = at(d.line, d.column)
    to = d.endLine === undefined ? from : Math.max(from, at(d.endLine, d.endColumn ?? 1))
  }
  if (from === to) {
    if (to < doc.length && doc.sliceString(to, to + 1) !== '\n') to++
    else if (from > 0 && doc.sliceString(from - 1, from) !== '\n') from--
  }
  return { from, to }
}

/** A reactor diagnostic as a CodeMirror lint diagnostic: exact range, code in the message, severity kept. */
export function toEditorDiagnostic(d: Diagnostic, doc: Text): CmDiagnostic {
  const { from, to } = diagnosticRange(d, doc)
  const suggestion = d.suggestion && !d.message.includes(d.suggestion) ? ` (${d.suggestion})` : ''
  return { from, to, severity: d.severity, source: d.code, message: `${d.message}${suggestion}` }
}
