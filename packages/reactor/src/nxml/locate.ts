import type { Span } from '@nexus/protocol'

/**
 * Finds where attribute `name` of the element at `span` is written, for diagnostics about ASTs (which keep
 * attribute values but not their offsets). Returns the span of the quoted value's text, or undefined.
 */
export function locateAttributeValue(source: string, span: Span, name: string): Span | undefined {
  const text = source.slice(span.start, span.end)
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const match = new RegExp(`\\s${escaped}\\s*=\\s*(["'])`).exec(text)
  if (!match) return undefined
  const start = span.start + match.index + match[0].length
  const close = source.indexOf(match[1]!, start)
  return { start, end: close === -1 ? start : close }
}

/**
 * The source span of characters `[from, to)` of a decoded attribute value: exact when the value was written
 * without entities, otherwise the whole value.
 */
export function valueSubSpan(source: string, valueSpan: Span, decoded: string, from: number, to: number): Span {
  if (source.slice(valueSpan.start, valueSpan.end) !== decoded) return valueSpan
  return { start: valueSpan.start + from, end: valueSpan.start + Math.max(from, to) }
}
