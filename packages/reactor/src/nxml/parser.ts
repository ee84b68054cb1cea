import type { Span } from '@nexus/protocol'
import type { DiagnosticBag } from './diagnosticBag.ts'
import { Scanner, TokenKind } from './scanner.ts'
import { elementNameSpan, type XmlAttribute, type XmlElement, type XmlNode } from './xmlTree.ts'
import type { ScannedComment } from './scanner.ts'

/** The element whose body is raw text (code), not markup. */
const RAW_TEXT_ELEMENT = 'Handler'

type TagEnd = 'open' | 'self' | 'unterminated'

/** From this many attributes on one element, duplicates are found with a set instead of a linear search. */
const MANY_ATTRIBUTES = 32

/**
 * Past this depth the parser stops reading (one diagnostic, the rest of the source skipped), so hostile input
 * can neither exhaust the stack nor ask the validator for a diagnostic per level.
 */
export const MAX_NESTING = 200

/**
 * Recursive-descent parser from NXML text to a generic element tree. Recovers from every error: a close
 * tag that belongs to an enclosing element ends the current list; one mistake gives one diagnostic.
 */
export class XmlParser {
  private readonly scanner: Scanner
  /** The attribute names of the element being read, once it has `MANY_ATTRIBUTES` (a linear search each is n²). */
  private manyNames: { el: XmlElement; names: Set<string> } | undefined
  /** Set once an element nested past `MAX_NESTING`: the rest of the source was skipped. */
  private tooDeep = false
  /** Names of the elements being parsed, outermost first (the ancestors of the next element, and it). */
  private readonly open: string[] = []
  /** Comments after the last top-level element. */
  trailingComments: ScannedComment[] = []

  constructor(
    private readonly source: string,
    private readonly diagnostics: DiagnosticBag,
  ) {
    this.scanner = new Scanner(source, diagnostics)
  }

  parseDocument(): XmlNode[] {
    const nodes: XmlNode[] = []
    for (;;) {
      const token = this.scanner.scanContent()
      if (token === TokenKind.EndOfFile) {
        this.trailingComments = this.scanner.takeComments()
        return nodes
      }
      if (token === TokenKind.Text) nodes.push(this.textNode())
      else if (token === TokenKind.LessThan) this.pushElement(nodes)
      else this.strayCloseTag()
    }
  }

  private textNode(): XmlNode {
    return { kind: 'text', value: this.scanner.tokenValue, span: this.scanner.tokenSpan }
  }

  private pushElement(nodes: XmlNode[]): void {
    const el = this.parseElement()
    if (el) nodes.push(el)
  }

  /** After `<`. Returns undefined (and reports) when no tag name follows. */
  private parseElement(): XmlElement | undefined {
    const s = this.scanner
    const start = s.tokenStart
    const comments = s.takeComments()
    if (s.scanTag() !== TokenKind.Name) {
      this.diagnostics.add(
        'EXPECTED_TAG_NAME',
        { start, end: start + 1 },
        'Expected a tag name after "<" (write "&lt;" for a literal "<")',
      )
      s.skipToNextTag(start + 1) // the text after a stray "<" is part of the same mistake
      return undefined
    }
    if (s.tokenStart !== start + 1) {
      this.diagnostics.add(
        'EXPECTED_TAG_NAME',
        { start, end: s.tokenStart },
        `Write <${s.tokenValue} without a space after "<"`,
      )
    }
    const el: XmlElement = {
      kind: 'element',
      name: s.tokenValue,
      nameStart: s.tokenStart,
      attributes: [],
      children: [],
      span: { start, end: s.tokenEnd },
      raw: undefined,
      malformed: false,
      comments: comments.length ? comments : undefined,
      trailingComments: undefined,
    }
    const errorsBefore = this.diagnostics.count
    let end = this.parseAttributes(el, errorsBefore)
    el.malformed = this.diagnostics.count > errorsBefore
    if (end === 'unterminated') end = s.closeTagLater(el.name) ? 'open' : 'self'
    if (end === 'self') return el
    if (this.open.length >= MAX_NESTING) {
      this.diagnostics.add(
        'NESTING_TOO_DEEP',
        elementNameSpan(el),
        `Elements may nest at most ${MAX_NESTING} deep; the rest of the document was not read`,
      )
      this.tooDeep = true
      s.resetTo(this.source.length)
      return el
    }
    if (el.name === RAW_TEXT_ELEMENT) el.raw = s.scanRawText(el.name)
    this.open.push(el.name)
    this.parseChildren(el)
    this.open.pop()
    return el
  }

  /** Reads attributes up to `>` or `/>`; reports only the first syntax error of the tag. */
  private parseAttributes(el: XmlElement, errorsBefore: number): TagEnd {
    const s = this.scanner
    for (;;) {
      const plain = s.scanPlainAttribute()
      if (plain) {
        this.addAttribute(el, plain)
        if (plain.end > el.span.end) el.span.end = plain.end
        continue
      }
      const token = s.scanTag()
      switch (token) {
        case TokenKind.GreaterThan:
        case TokenKind.SlashGreaterThan:
          el.span.end = s.tokenEnd
          return token === TokenKind.GreaterThan ? 'open' : 'self'
        case TokenKind.Name:
          this.parseAttribute(el, errorsBefore)
          break
        case TokenKind.String:
          this.reportTag(errorsBefore, 'UNEXPECTED_CHARACTER', 'A quoted value must follow an attribute name and "="')
          break
        case TokenKind.Equals:
        case TokenKind.Unknown:
          this.reportTag(
            errorsBefore,
            'UNEXPECTED_CHARACTER',
            `Unexpected "${this.source.slice(s.tokenStart, s.tokenEnd)}" in the <${el.name}> tag`,
          )
          break
        default: // a new tag or the end of the file: this tag was never closed
          s.resetTo(s.tokenStart)
          this.reportTag(errorsBefore, 'UNTERMINATED_TAG', `The <${el.name}> tag is missing its closing ">" or "/>"`, {
            start: el.span.start,
            end: el.span.end,
          })
          return 'unterminated'
      }
      if (s.tokenEnd > el.span.end) el.span.end = s.tokenEnd
    }
  }

  /** Reports only the first syntax error of a tag (`errorsBefore`: the diagnostic count when it began). */
  private reportTag(
    errorsBefore: number,
    key: 'UNEXPECTED_CHARACTER' | 'EXPECTED_ATTRIBUTE_VALUE' | 'UNTERMINATED_TAG',
    message: string,
    span: Span = this.scanner.tokenSpan,
  ): void {
    if (this.diagnostics.count === errorsBefore) this.diagnostics.add(key, span, message)
  }

  private parseAttribute(el: XmlElement, errorsBefore: number): void {
    const s = this.scanner
    const name = s.tokenValue
    const start = s.tokenStart
    const afterName = s.tokenEnd
    if (s.scanTag() !== TokenKind.Equals) {
      s.resetTo(afterName)
      this.reportTag(errorsBefore, 'EXPECTED_ATTRIBUTE_VALUE', `The attribute "${name}" needs a value: ${name}="..."`)
      return
    }
    if (s.scanAttributeValue() !== TokenKind.String) {
      s.resetTo(s.tokenStart)
      this.reportTag(errorsBefore, 'EXPECTED_ATTRIBUTE_VALUE', `The attribute "${name}" needs a quoted value after "="`)
      return
    }
    this.addAttribute(el, { name, value: s.tokenValue, start, valueStart: s.tokenStart, end: s.tokenEnd })
  }

  private addAttribute(el: XmlElement, attr: XmlAttribute): void {
    if (el.attributes.length < MANY_ATTRIBUTES ? hasAttribute(el, attr.name) : this.seenOn(el, attr.name)) {
      this.diagnostics.add(
        'DUPLICATE_ATTRIBUTE',
        { start: attr.start, end: attr.end },
        `The attribute "${attr.name}" is already set on this <${el.name}>`,
      )
      return
    }
    el.attributes.push(attr)
  }

  /** Whether `el` (with `MANY_ATTRIBUTES` or more) already has `name`; records it when not. */
  private seenOn(el: XmlElement, name: string): boolean {
    if (this.manyNames?.el !== el) this.manyNames = { el, names: new Set(el.attributes.map((a) => a.name)) }
    const { names } = this.manyNames
    return names.has(name) || (names.add(name), false)
  }

  /** Children up to the matching close tag; a close tag of an ancestor ends this element (reported). */
  private parseChildren(el: XmlElement): void {
    const s = this.scanner
    for (;;) {
      const token = s.scanContent()
      if (token === TokenKind.EndOfFile) {
        if (!s.swallowedToEnd) this.reportUnclosed(el) // else the unterminated comment was the one mistake
        el.span.end = s.sourceLength
        this.takeTrailing(el)
        return
      }
      if (token === TokenKind.Text) el.children.push(this.textNode())
      else if (token === TokenKind.LessThan) this.pushElement(el.children)
      else if (this.parseCloseTag(el)) {
        this.takeTrailing(el)
        return
      }
    }
  }

  /** After `</` inside `el`. Returns whether `el` is now closed. */
  private parseCloseTag(el: XmlElement): boolean {
    const s = this.scanner
    const start = s.tokenStart
    if (s.closesWith(el.name)) {
      el.span.end = s.tokenEnd
      return true
    }
    if (s.scanTag() !== TokenKind.Name) {
      this.diagnostics.add('EXPECTED_TAG_NAME', { start, end: start + 2 }, 'Expected a tag name after "</"')
      s.skipToNextTag(start + 2)
      return false
    }
    const name = s.tokenValue
    if (name !== el.name && this.isAncestor(name)) {
      this.reportUnclosed(el)
      el.span.end = start
      s.resetTo(start) // the enclosing element reads this close tag again
      return true
    }
    if (name !== el.name) {
      this.diagnostics.add(
        'MISMATCHED_CLOSE_TAG',
        { start, end: s.tokenEnd },
        `Expected </${el.name}> to close <${el.name}>, but found </${name}>`,
      )
    }
    el.span.end = this.finishCloseTag(name)
    return true
  }

  /** Whether an element enclosing the current one (the top of `open`) is named `name`. */
  private isAncestor(name: string): boolean {
    for (let i = this.open.length - 2; i >= 0; i--) if (this.open[i] === name) return true
    return false
  }

  /** Consumes up to the `>` of a close tag; returns the offset after it. */
  private finishCloseTag(name: string): number {
    const s = this.scanner
    const nameEnd = s.tokenEnd
    for (;;) {
      const token = s.scanTag()
      if (token === TokenKind.GreaterThan) return s.tokenEnd
      if (token === TokenKind.Name || token === TokenKind.Unknown || token === TokenKind.String) continue
      s.resetTo(s.tokenStart)
      this.diagnostics.add(
        'UNTERMINATED_TAG',
        { start: nameEnd - name.length - 2, end: nameEnd },
        `The </${name}> tag is missing its closing ">"`,
      )
      return nameEnd
    }
  }

  private strayCloseTag(): void {
    const s = this.scanner
    const start = s.tokenStart
    const name = s.scanTag() === TokenKind.Name ? s.tokenValue : ''
    if (name) this.finishCloseTag(name)
    this.diagnostics.add(
      'MISMATCHED_CLOSE_TAG',
      { start, end: s.tokenEnd },
      `</${name}> closes nothing: no element is open here`,
    )
  }

  private takeTrailing(el: XmlElement): void {
    const comments = this.scanner.takeComments()
    if (comments.length) el.trailingComments = [...(el.trailingComments ?? []), ...comments]
  }

  private reportUnclosed(el: XmlElement): void {
    if (el.malformed || this.tooDeep) return
    this.diagnostics.add('UNCLOSED_ELEMENT', elementNameSpan(el), `<${el.name}> is never closed; add </${el.name}>`)
  }
}

function hasAttribute(el: XmlElement, name: string): boolean {
  const attributes = el.attributes
  for (let i = 0; i < attributes.length; i++) if (attributes[i]!.name === name) return true
  return false
}
