import { parseNxml, serializeNxml } from '@nexus/reactor'

/** The canonical text, or why the text was kept as it is. */
export type FormatResult = { ok: true; text: string; changed: boolean } | { ok: false; text: string; reason: string }

/**
 * Formats with the canonical serializer, only when the text parses without errors (a broken document is
 * kept verbatim: rewriting it from a partial AST would lose what the user typed).
 * @example formatNxml('<NexusPanel title="x" version="1"><View/></NexusPanel>').ok // true
 */
export function formatNxml(text: string): FormatResult {
  const { ast, diagnostics } = parseNxml(text)
  const errors = diagnostics.filter((d) => d.severity === 'error')
  const first = errors[0]
  if (!ast || first) {
    const where = first ? `: ${first.line}:${first.column} ${first.message}` : ': no <NexusPanel> root'
    return { ok: false, text, reason: `Not formatted, the NXML does not parse${where}` }
  }
  const formatted = serializeNxml(ast)
  return { ok: true, text: formatted, changed: formatted !== text }
}
