import type { Span } from '@nexus/protocol'
import { isSpace } from '../util/chars.ts'
import type { DiagnosticBag } from './diagnosticBag.ts'
import { decodeEntities, SWALLOWED_ATTRIBUTE } from './entities.ts'
import { knownName, NAME_NEXT, NAME_START_STATE } from './names.ts'
import type { XmlAttribute } from './xmlTree.ts'

export enum TokenKind {
  EndOfFile,
  /** Character data between tags (also a CDATA section outside raw-text elements). */
  Text,
  LessThan,
  LessThanSlash,
  GreaterThan,
  SlashGreaterThan,
  Equals,
  Name,
  /** An attribute value, quoted or (with a diagnostic) unquoted; `value` is entity-decoded. */
  String,
  Unknown,
}

/** The body of a raw-text element such as `<Handler>`: CDATA sections unwrapped, no entity decoding. */
export interface RawText {
  text: string
  /** Offset of the first character of `text` in the source. */
  start: number
}

/** A comment met between tags, waiting for the parser to attach it to the next element. */
export interface ScannedComment {
  text: string
  span: Span
}

/** Whether `c` may start a name: an ASCII letter or `_` (names continue with digits and `:.-` too: see names.ts). */
function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95
}

const CLOSE_TAG = /<\/([A-Za-z_][A-Za-z0-9_:.-]*)/g

function lastCloseTags(text: string): Map<string, number> {
  const last = new Map<string, number>()
  for (const match of text.matchAll(CLOSE_TAG)) last.set(match[1]!, match.index)
  return last
}

/**
 * Scans NXML on demand: the parser asks for content tokens or in-tag tokens. Never throws; problems
 * become diagnostics and the scan goes on. Offsets: `fullStart` (before trivia), `tokenStart`, `tokenEnd`.
 */
export class Scanner {
  private pos = 0
  private fullStart = 0
  private start = 0
  private value = ''
  private kind = TokenKind.EndOfFile
  private swallowed = false
  /** Newlines and `&`s, searched once per occurrence (per line, per entity), not once per attribute. */
  private readonly newlines: NextOccurrence
  private readonly amps: NextOccurrence
  /** Where the name `readName` read last ends. */
  private nameEnd = 0
  /** Comments scanned since the parser last took them. */
  comments: ScannedComment[] = []
  /** Close-tag name → offset of its last `</`, for `closeTagLater`. */
  private lastCloseTags: Map<string, number> | undefined

  constructor(
    private readonly text: string,
    private readonly diagnostics: DiagnosticBag,
  ) {
    this.newlines = new NextOccurrence(text, '\n')
    this.amps = new NextOccurrence(text, '&')
  }

  get token(): TokenKind {
    return this.kind
  }
  get tokenValue(): string {
    return this.value
  }
  get tokenStart(): number {
    return this.start
  }
  get tokenEnd(): number {
    return this.pos
  }
  get tokenFullStart(): number {
    return this.fullStart
  }
  get tokenSpan(): Span {
    return { start: this.start, end: this.pos }
  }
  get sourceLength(): number {
    return this.text.length
  }
  /** An unterminated comment or CDATA section ran to the end of the file. */
  get swallowedToEnd(): boolean {
    return this.swallowed
  }

  /** Moves back (or forward) to `pos`, e.g. to re-read a token in another mode. */
  resetTo(pos: number): void {
    this.pos = pos
  }

  /** Moves to the next `<` at or after `from` (or the end). */
  skipToNextTag(from: number): void {
    const next = this.text.indexOf('<', from)
    this.pos = next === -1 ? this.text.length : next
  }

  /**
   * Whether a close tag `</name` (that whole name) starts at or after the current position. The last offset
   * of each close-tag name is found in one pass on first use, so many unterminated tags stay linear.
   */
  closeTagLater(name: string): boolean {
    this.lastCloseTags ??= lastCloseTags(this.text)
    return (this.lastCloseTags.get(name) ?? -1) >= this.pos
  }

  /** Between tags: skips whitespace, comments and `<?...?>`; returns Text, LessThan, LessThanSlash or EndOfFile. */
  scanContent(): TokenKind {
    this.fullStart = this.pos
    this.skipTrivia()
    this.start = this.pos
    this.value = ''
    const t = this.text
    const pos = this.pos
    if (pos >= t.length) return (this.kind = TokenKind.EndOfFile)
    if (t.charCodeAt(pos) === 60 /* < */) {
      const next = t.charCodeAt(pos + 1)
      if (next === 47 /* / */) return this.advance(2, TokenKind.LessThanSlash)
      if (next === 33 /* ! */ && t.startsWith('<![CDATA[', pos)) {
        this.value = this.scanCData()
        return (this.kind = TokenKind.Text)
      }
      return this.advance(1, TokenKind.LessThan)
    }
    const end = t.indexOf('<', pos)
    this.pos = end === -1 ? t.length : end
    this.value = t.slice(this.start, this.pos)
    return (this.kind = TokenKind.Text)
  }

  /** Inside a tag: Name, Equals, String, GreaterThan, SlashGreaterThan, LessThan(Slash), Unknown, EndOfFile. */
  scanTag(): TokenKind {
    this.fullStart = this.pos
    this.skipWhitespace()
    const t = this.text
    const pos = (this.start = this.pos)
    this.value = ''
    if (pos >= t.length) return (this.kind = TokenKind.EndOfFile)
    const c = t.charCodeAt(pos)
    if (c === 62 /* > */) return this.advance(1, TokenKind.GreaterThan)
    if (c === 47 /* / */ && t.charCodeAt(pos + 1) === 62) return this.advance(2, TokenKind.SlashGreaterThan)
    if (c === 61 /* = */) return this.advance(1, TokenKind.Equals)
    if (c === 60 /* < */)
      return t.charCodeAt(pos + 1) === 47
        ? this.advance(2, TokenKind.LessThanSlash)
        : this.advance(1, TokenKind.LessThan)
    if (c === 34 /* " */ || c === 39 /* ' */) return this.scanQuoted(c === 34 ? '"' : "'")
    if (isNameStart(c)) {
      this.value = this.readName(pos)
      this.pos = this.nameEnd
      return (this.kind = TokenKind.Name)
    }
    return this.advance(1, TokenKind.Unknown)
  }

  /**
   * The common attribute `name="value"` (value on one line, not swallowing the next attribute) in one step,
   * as the token path would read it; undefined, with the position unchanged, for anything else.
   */
  scanPlainAttribute(): XmlAttribute | undefined {
    const t = this.text
    const n = t.length
    let i = this.pos
    while (i < n && isSpace(t.charCodeAt(i))) i++
    const start = i
    if (!isNameStart(t.charCodeAt(i))) {
      this.pos = i // only white space was read: `>` or `/>` (or a problem) comes next
      return undefined
    }
    const name = this.readName(start)
    i = this.nameEnd
    while (i < n && isSpace(t.charCodeAt(i))) i++
    if (t.charCodeAt(i) !== 61 /* = */) return undefined
    i++
    while (i < n && isSpace(t.charCodeAt(i))) i++
    const quote = t.charCodeAt(i)
    if (quote !== 34 /* " */ && quote !== 39 /* ' */) return undefined
    const valueStart = i
    i = t.indexOf(quote === 34 ? '"' : "'", valueStart + 1)
    if (i === -1 || this.newlines.after(valueStart) < i) return undefined // the token path decides what was lost
    if (endsWithEquals(t, valueStart + 1, i)) return undefined
    this.pos = i + 1
    const raw = t.slice(valueStart + 1, i)
    return { name, value: this.amps.after(valueStart) < i ? decodeEntities(raw) : raw, start, valueStart, end: i + 1 }
  }

  /**
   * The name starting at `start` (a name-start character), ending at `nameEnd`: NXML's own string for a name
   * it defines (see names.ts), else a slice of the source.
   */
  private readName(start: number): string {
    const t = this.text
    let i = start
    let state = NAME_START_STATE
    for (let c = t.charCodeAt(i); c < 128; c = t.charCodeAt(++i)) {
      const next = NAME_NEXT[(state << 7) | c]!
      if (next === 0) break
      state = next
    }
    this.nameEnd = i
    return knownName(state) ?? t.slice(start, i)
  }

  /**
   * After `</`: the common close tag `name>` (optionally `name >`) of the element being closed, in one
   * step; false, with the position unchanged, for anything else.
   */
  closesWith(name: string): boolean {
    const t = this.text
    const start = this.pos
    const length = name.length
    for (let k = 0; k < length; k++) if (t.charCodeAt(start + k) !== name.charCodeAt(k)) return false
    let i = start + length
    while (i < t.length && isSpace(t.charCodeAt(i))) i++
    if (t.charCodeAt(i) !== 62 /* > */) return false
    this.start = this.pos
    this.pos = i + 1
    return true
  }

  /** After `=`: a quoted value, or an unquoted run of characters (reported), or Unknown when there is none. */
  scanAttributeValue(): TokenKind {
    this.fullStart = this.pos
    this.skipWhitespace()
    this.start = this.pos
    const ch = this.text[this.pos]
    if (ch === '"' || ch === "'") return this.scanQuoted(ch)
    while (
      this.pos < this.text.length &&
      !isSpace(this.text.charCodeAt(this.pos)) &&
      this.text[this.pos] !== '>' &&
      !this.text.startsWith('/>', this.pos)
    )
      this.pos++
    if (this.pos === this.start) return (this.kind = TokenKind.Unknown)
    this.value = decodeEntities(this.text.slice(this.start, this.pos))
    this.diagnostics.add(
      'UNQUOTED_ATTRIBUTE_VALUE',
      this.tokenSpan,
      `Attribute values must be quoted: write "${this.value}"`,
    )
    return (this.kind = TokenKind.String)
  }

  /** The body of a raw-text element up to (not including) `</name`; CDATA sections are unwrapped. */
  scanRawText(name: string): RawText {
    const t = this.text
    const close = `</${name}`
    let text = ''
    let first: number | undefined
    while (this.pos < t.length && !t.startsWith(close, this.pos)) {
      if (t.startsWith('<![CDATA[', this.pos)) {
        const inner = this.pos + 9
        first ??= inner
        text += this.scanCData()
        continue
      }
      const nextLt = t.indexOf('<', this.pos + 1)
      const end = nextLt === -1 ? t.length : nextLt
      first ??= this.pos
      text += t.slice(this.pos, end)
      this.pos = end
    }
    return { text, start: first ?? this.pos }
  }

  private scanCData(): string {
    const inner = this.pos + 9
    const end = this.text.indexOf(']]>', inner)
    if (end === -1) {
      this.diagnostics.add(
        'UNTERMINATED_CDATA',
        { start: this.pos, end: this.text.length },
        'The CDATA section has no closing "]]>"',
      )
      this.swallowed = true
      this.pos = this.text.length
      return this.text.slice(inner)
    }
    this.pos = end + 3
    return this.text.slice(inner, end)
  }

  private scanQuoted(quote: string): TokenKind {
    const t = this.text
    const open = this.pos
    let i = t.indexOf(quote, open + 1)
    if (i === -1) i = t.length
    // A newline followed by a tag ends a value that lost its closing quote.
    for (let nl = t.indexOf('\n', open + 1); nl !== -1 && nl < i; nl = t.indexOf('\n', nl + 1)) {
      if (this.newTagFollows(nl + 1)) {
        i = nl
        break
      }
    }
    if (t[i] !== quote) return this.unterminatedAtLineEnd(open, i)
    const raw = t.slice(open + 1, i)
    const swallowed = endsWithEquals(t, open + 1, i) ? SWALLOWED_ATTRIBUTE.exec(raw) : null
    if (swallowed) {
      const end = open + 1 + swallowed.index
      this.diagnostics.add(
        'UNTERMINATED_STRING',
        { start: open, end },
        `The value of this attribute is missing its closing ${quote}`,
      )
      this.value = decodeEntities(raw.slice(0, swallowed.index))
      this.pos = end
      return (this.kind = TokenKind.String)
    }
    this.value = decodeEntities(raw)
    this.pos = i + 1
    return (this.kind = TokenKind.String)
  }

  /** A value ran to the end of its line: keep a trailing `/>` or `>` as the end of the tag. */
  private unterminatedAtLineEnd(open: number, lineEnd: number): TokenKind {
    const raw = this.text.slice(open + 1, lineEnd)
    const tagEnd = /\s*\/?>\s*$/.exec(raw)
    const valueEnd = tagEnd ? open + 1 + tagEnd.index : lineEnd
    this.diagnostics.add(
      'UNTERMINATED_STRING',
      { start: open, end: valueEnd },
      'This attribute value has no closing quote',
    )
    this.value = decodeEntities(this.text.slice(open + 1, valueEnd))
    this.pos = valueEnd
    return (this.kind = TokenKind.String)
  }

  /** Whether the line starting at `i` begins (after indentation) with a tag. */
  private newTagFollows(i: number): boolean {
    while (i < this.text.length && (this.text[i] === ' ' || this.text[i] === '\t' || this.text[i] === '\r')) i++
    return this.text[i] === '<'
  }

  private skipWhitespace(): void {
    const t = this.text
    let i = this.pos
    while (isSpace(t.charCodeAt(i))) i++ // NaN past the end: not a space
    this.pos = i
  }

  private skipTrivia(): void {
    const t = this.text
    for (;;) {
      this.skipWhitespace()
      if (t.charCodeAt(this.pos) !== 60 /* < */) return
      const next = t.charCodeAt(this.pos + 1)
      if (next !== 33 /* ! */ && next !== 63 /* ? */) return
      if (t.startsWith('<!--', this.pos)) {
        const start = this.pos
        this.skipUntil('-->', 'UNTERMINATED_COMMENT', 'The comment has no closing "-->"')
        if (!this.swallowed)
          this.comments.push({ text: t.slice(start + 4, this.pos - 3), span: { start, end: this.pos } })
      } else if (t.startsWith('<?', this.pos))
        this.skipUntil('?>', 'UNTERMINATED_TAG', 'The "<?" declaration has no closing "?>"')
      else return
    }
  }

  private skipUntil(end: string, key: 'UNTERMINATED_COMMENT' | 'UNTERMINATED_TAG', message: string): void {
    const close = this.text.indexOf(end, this.pos + 2)
    if (close === -1) {
      this.diagnostics.add(key, { start: this.pos, end: this.text.length }, message)
      this.pos = this.text.length
      this.swallowed = true
    } else {
      this.pos = close + end.length
    }
  }

  /** Hands the pending comments to the parser. */
  takeComments(): ScannedComment[] {
    const taken = this.comments
    if (taken.length) this.comments = []
    return taken
  }

  private advance(n: number, kind: TokenKind): TokenKind {
    this.pos += n
    return (this.kind = kind)
  }
}

/** The offset of the first `char` after an offset (the text's length when none), remembered between calls. */
class NextOccurrence {
  /** `next` is the first occurrence after `from`: none lies between them. */
  private from = 0
  private next = -1

  constructor(
    private readonly text: string,
    private readonly char: string,
  ) {}

  after(from: number): number {
    if (from < this.from || this.next <= from) {
      const at = this.text.indexOf(this.char, from + 1)
      this.from = from
      this.next = at === -1 ? this.text.length : at
    }
    return this.next
  }
}

/** Whether `text[from, to)` ends with `=` and white space: a value that swallowed the next attribute's name. */
function endsWithEquals(text: string, from: number, to: number): boolean {
  let i = to - 1
  while (i >= from && isSpace(text.charCodeAt(i))) i--
  return i >= from && text.charCodeAt(i) === 61 /* = */
}
