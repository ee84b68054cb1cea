import type { Span } from '@nexus/protocol'
import { isSpace } from '../util/chars.ts'

/**
 * Finds where attribute `name` of the element at `span` is written, for diagnostics about ASTs (which keep
 * attribute values but not their offsets). Returns the span of the quoted value's text, or undefined.
 */
export function locateAttributeValue(source: string, span: Span, name: string): Span | undefined {
  // A scan with indexOf (no RegExp built per call): `name` preceded by whitespace, then `\s*=\s*` and a quote.
  for (let at = source.indexOf(name, span.start); at !== -1 && at < span.end; at = source.indexOf(name, at + 1)) {
    if (!isSpace(source.charCodeAt(at - 1))) continue
    let i = at + name.length
    while (i < span.end && isSpace(source.charCodeAt(i))) i++
    if (source.charCodeAt(i) !== 61 /* = */) continue
    i++
    while (i < span.end && isSpace(source.charCodeAt(i))) i++
    const quote = source[i]
    if (i >= span.end || (quote !== '"' && quote !== "'")) continue
    const start = i + 1
    const close = source.indexOf(quote, start)
    return { start, end: close === -1 ? start : close }
  }
  return undefined
}

/**
 * The source span of characters `[from, to)` of a decoded attribute value: exact when the value was written
 * without entities, otherwise the whole value.
 */
export function valueSubSpan(source: string, valueSpan: Span, decoded: string, from: number, to: number): Span {
  if (source.slice(valueSpan.start, valueSpan.end) !== decoded) return valueSpan
  return { start: valueSpan.start + from, end: valueSpan.start + Math.max(from, to) }
}
