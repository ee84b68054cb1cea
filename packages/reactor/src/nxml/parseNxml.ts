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
  const { ast, diagnostics } = parseIntoBag(source)
  return { ast, diagnostics: diagnostics.list() }
}

/** `parseNxml` with its diagnostics still open, so validation adds to the same bounded bag. */
export function parseIntoBag(source: string): { ast: NxmlPanelAst | undefined; diagnostics: DiagnosticBag } {
  const lines = new LineMap(source)
  const diagnostics = new DiagnosticBag(source, lines)
  const parser = new XmlParser(source, diagnostics)
  const nodes = parser.parseDocument()
  const ast = lowerDocument(nodes, new LowerContext(diagnostics, lines), parser.trailingComments)
  return { ast, diagnostics }
}
