import type { Span } from '@nexus/protocol'
import { closestName, didYouMean } from '../util/suggest.ts'
import type { DiagnosticBag } from './diagnosticBag.ts'
import type { LineMap } from './lineColumn.ts'
import type { NxmlComment } from './ast.ts'
import {
  elementNameSpan,
  attribute,
  attributeNameSpan,
  attributeValueSpan,
  type XmlElement,
  type XmlNode,
} from './xmlTree.ts'

/** Shared helpers for lowering elements: attribute checks and child iteration with diagnostics. */
export class LowerContext {
  /** Comments kept for the round trip, anchored to the declaration they precede. */
  readonly comments: NxmlComment[] = []
  private pending: string[] = []

  constructor(
    readonly diagnostics: DiagnosticBag,
    readonly lines: LineMap,
  ) {}

  /** The attribute's value, or undefined after reporting it missing (quietly for malformed tags). */
  required(el: XmlElement, name: string): string | undefined {
    const attr = attribute(el, name)
    if (attr) return attr.value
    if (!el.malformed)
      this.diagnostics.add('MISSING_ATTRIBUTE', elementNameSpan(el), `<${el.name}> needs a "${name}" attribute`)
    return undefined
  }

  /** Queues `el`'s leading comments; they attach to the next anchor. */
  enter(el: XmlElement): void {
    if (el.comments) for (const c of el.comments) this.pending.push(c.text)
  }

  /** Queues comments after `el`'s last child. */
  leave(el: XmlElement): void {
    if (el.trailingComments) for (const c of el.trailingComments) this.pending.push(c.text)
  }

  /** Queues free comments (e.g. after the root). */
  queue(texts: readonly string[]): void {
    this.pending.push(...texts)
  }

  /**
   * Attaches queued comments to the declaration at `path` (see `NxmlComment.before`), or at `path/index`
   * (spelled out only when comments wait).
   */
  anchor(path: string, index?: number): void {
    if (this.pending.length === 0) return
    const before = index === undefined ? path : `${path}/${index}`
    for (const text of this.pending) this.comments.push({ text, before })
    this.pending = []
  }

  /** Whether comments wait for an anchor (so callers build the anchor's path only then). */
  get hasPending(): boolean {
    return this.pending.length > 0
  }

  optional(el: XmlElement, name: string): string | undefined {
    return attribute(el, name)?.value
  }

  valueSpan(el: XmlElement, name: string): Span {
    const attr = attribute(el, name)
    return attr ? attributeValueSpan(attr) : elementNameSpan(el)
  }

  /** Reports attributes not in `allowed`, with a suggestion for likely typos. */
  checkAttributes(el: XmlElement, allowed: readonly string[]): void {
    for (const attr of el.attributes) {
      if (allowed.includes(attr.name)) continue
      const suggestion = closestName(attr.name, allowed)
      const known = allowed.length ? allowed.map((a) => `"${a}"`).join(', ') : 'none'
      this.diagnostics.add(
        'UNKNOWN_ATTRIBUTE',
        attributeNameSpan(attr),
        `<${el.name}> has no attribute "${attr.name}"${didYouMean(suggestion)}; allowed: ${known}`,
        suggestion,
      )
    }
  }

  /** The element children of `el`, reporting any non-blank text among them. */
  elements(el: XmlElement | XmlNode[]): XmlElement[] {
    const nodes = Array.isArray(el) ? el : el.children
    let onlyElements = true
    for (let i = 0; i < nodes.length; i++) if (nodes[i]!.kind !== 'element') onlyElements = false
    if (onlyElements) return nodes as XmlElement[] // the usual case: no copy
    const out: XmlElement[] = []
    for (const node of nodes) {
      if (node.kind === 'element') out.push(node)
      else this.reportText(node.value, node.span)
    }
    return out
  }

  unexpected(el: XmlElement, where: string, allowed: readonly string[]): void {
    const suggestion = closestName(el.name, allowed)
    this.diagnostics.add(
      'UNEXPECTED_ELEMENT',
      elementNameSpan(el),
      `<${el.name}> is not allowed in ${where}${didYouMean(suggestion)}; expected ${allowed.map((a) => `<${a}>`).join(', ')}`,
      suggestion,
    )
  }

  private reportText(value: string, span: Span): void {
    const trimmed = value.trim()
    if (trimmed === '') return
    const start = span.start + value.indexOf(trimmed)
    const shown = trimmed.length > 30 ? `${trimmed.slice(0, 30)}…` : trimmed
    this.diagnostics.add(
      'UNEXPECTED_TEXT',
      { start, end: start + trimmed.length },
      `Unexpected text "${shown}"; only elements are allowed here`,
    )
  }
}
