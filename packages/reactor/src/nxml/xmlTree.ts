import type { Span } from '@nexus/protocol'
import type { ScannedComment } from './scanner.ts'

/**
 * One `name="value"` on a tag; `value` is entity-decoded. Offsets, not span objects (a panel has many
 * attributes and few diagnostics): the name starts at `start`, the value token covers `[valueStart, end)`.
 */
export interface XmlAttribute {
  name: string
  value: string
  start: number
  valueStart: number
  end: number
}

export function attributeNameSpan(attr: XmlAttribute): Span {
  return { start: attr.start, end: attr.start + attr.name.length }
}

export function attributeValueSpan(attr: XmlAttribute): Span {
  return { start: attr.valueStart, end: attr.end }
}

/** An element of the generic tree the parser builds before it is lowered to a `PanelAst`. */
export interface XmlElement {
  kind: 'element'
  name: string
  /** Where the tag name starts (`elementNameSpan` for diagnostics). */
  nameStart: number
  attributes: XmlAttribute[]
  children: XmlNode[]
  span: Span
  /** The body of a raw-text element (`<Handler>`). */
  raw: { text: string; start: number } | undefined
  /** The start tag had a syntax error, already reported: later checks stay quiet about this element. */
  malformed: boolean
  /** Comments between the previous sibling (or the parent's start tag) and this element. */
  comments: ScannedComment[] | undefined
  /** Comments after the last child, before the close tag. */
  trailingComments: ScannedComment[] | undefined
}

export interface XmlText {
  kind: 'text'
  value: string
  span: Span
}

export type XmlNode = XmlElement | XmlText

/** The span of the element's tag name. */
export function elementNameSpan(el: XmlElement): Span {
  return { start: el.nameStart, end: el.nameStart + el.name.length }
}

export function attribute(el: XmlElement, name: string): XmlAttribute | undefined {
  const attributes = el.attributes
  for (let i = 0; i < attributes.length; i++) if (attributes[i]!.name === name) return attributes[i]
  return undefined
}

/** View nodes lowered from a start tag with a syntax error: the validator does not repeat the complaint. */
export const MALFORMED_NODES = new WeakSet<object>()
