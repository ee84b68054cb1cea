import type { Diagnostic } from '@nexus/protocol'
import type { NxmlPanelAst } from './ast.ts'
import { DiagnosticBag } from './diagnosticBag.ts'
import { LineMap } from './lineColumn.ts'
import { lowerDocument } from './lower.ts'
import { LowerContext } from './lowerContext.ts'
import { XmlParser } from './parser.ts'

export interface ParseResult {
  /** Undefined only when the source has no usable `<NexusPanel>` root. */
  ast: NxmlPanelAst | undefined
  diagnostics: Diagnostic[]
}

/**
 * Parses NXML into a panel AST with syntax and structure diagnostics (not semantic checks: see
 * `compileNxml`). Never throws, whatever the input.
 * @example parseNxml('<NexusPanel title="x"></NexusPanel>').ast?.title // 'x'
 */
export function parseNxml(source: string): ParseResult {
  const lines = new LineMap(source)
  const diagnostics = new DiagnosticBag(source, lines)
  const parser = new XmlParser(source, diagnostics)
  const nodes = parser.parseDocument()
  const ast = lowerDocument(nodes, new LowerContext(diagnostics, lines), parser.trailingComments)
  return { ast, diagnostics: sortDiagnostics(diagnostics.items) }
}

/** Source order, so a reader meets them top to bottom. */
export function sortDiagnostics(items: Diagnostic[]): Diagnostic[] {
  if (items.length < 2) return items.slice()
  return [...items].sort(bySourceOrder)
}

function bySourceOrder(a: Diagnostic, b: Diagnostic): number {
  return (a.span?.start ?? 0) - (b.span?.start ?? 0)
}
