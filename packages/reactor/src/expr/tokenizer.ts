import { isAsciiLetter, isDigit } from '../util/chars.ts'
import type { ExprError } from './ast.ts'

export enum ExprTokenKind {
  Number,
  String,
  Identifier,
  Punctuator,
  EndOfInput,
}

/**
 * The tokens of one expression as parallel arrays, reused from one expression to the next: a token costs no
 * object and no span, and the parser builds spans only for the nodes it makes. Parsing is synchronous and
 * never re-enters itself, so one module-level list serves every call; entries past `count` are stale.
 */
/** Token slots kept between expressions (longer ones are over the parser's limit anyway). */
const RETAINED_TOKENS = 4096

export class ExprTokens {
  count = 0
  readonly kinds: ExprTokenKind[] = []
  /** The punctuator or identifier text; the source text for numbers and strings. */
  readonly texts: string[] = []
  /** The decoded value for strings, the number for numbers. */
  readonly values: (number | string | undefined)[] = []
  readonly starts: number[] = []
  readonly ends: number[] = []

  /** Drops the arrays after a long expression, so one huge input does not keep its tokens alive. */
  release(): void {
    if (this.kinds.length <= RETAINED_TOKENS) return
    for (const list of [this.kinds, this.texts, this.values, this.starts, this.ends]) list.length = 0
  }

  push(kind: ExprTokenKind, text: string, value: number | string | undefined, start: number, end: number): void {
    const i = this.count++
    this.kinds[i] = kind
    this.texts[i] = text
    this.values[i] = value
    this.starts[i] = start
    this.ends[i] = end
  }
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' }

function isIdentStart(c: number): boolean {
  return isAsciiLetter(c) || c === 95 || c === 36 // _ $
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c)
}
/** What `/\s/` matches (ECMAScript white space and line terminators). */
function isWhiteSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13)
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  )
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70)
}

/** The end of the number at `pos`, as `/0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y` reads it. */
function numberEnd(src: string, pos: number): number {
  const c1 = src.charCodeAt(pos + 1)
  if (src.charCodeAt(pos) === 48 && (c1 === 120 || c1 === 88) && isHexDigit(src.charCodeAt(pos + 2))) {
    pos += 3
    while (isHexDigit(src.charCodeAt(pos))) pos++
    return pos
  }
  while (isDigit(src.charCodeAt(pos))) pos++
  if (src.charCodeAt(pos) === 46 /* . */) {
    pos++
    while (isDigit(src.charCodeAt(pos))) pos++
  }
  const e = src.charCodeAt(pos)
  if (e === 101 || e === 69) {
    let at = pos + 1
    const sign = src.charCodeAt(at)
    if (sign === 43 || sign === 45) at++
    if (isDigit(src.charCodeAt(at))) {
      while (isDigit(src.charCodeAt(at))) at++
      pos = at
    }
  }
  return pos
}

/**
 * The punctuator at `pos`, longest first (`===` over `==`, `?.` over `?`); undefined for a character that
 * starts none (a lone `&` or `|`, a backtick, ...).
 */
function punctuatorAt(src: string, pos: number): string | undefined {
  const c1 = src.charCodeAt(pos + 1)
  switch (src.charCodeAt(pos)) {
    case 61: // =
      if (c1 === 61) return src.charCodeAt(pos + 2) === 61 ? '===' : '=='
      return c1 === 62 ? '=>' : '='
    case 33: // !
      if (c1 === 61) return src.charCodeAt(pos + 2) === 61 ? '!==' : '!='
      return '!'
    case 46: // .
      return c1 === 46 && src.charCodeAt(pos + 2) === 46 ? '...' : '.'
    case 60: // <
      return c1 === 61 ? '<=' : '<'
    case 62: // >
      return c1 === 61 ? '>=' : '>'
    case 38: // &
      return c1 === 38 ? '&&' : undefined
    case 124: // |
      return c1 === 124 ? '||' : undefined
    case 63: // ?
      if (c1 === 63) return '??'
      return c1 === 46 ? '?.' : '?'
    case 43:
      return '+'
    case 45:
      return '-'
    case 42:
      return '*'
    case 47:
      return '/'
    case 37:
      return '%'
    case 58:
      return ':'
    case 44:
      return ','
    case 40:
      return '('
    case 41:
      return ')'
    case 91:
      return '['
    case 93:
      return ']'
    case 123:
      return '{'
    case 125:
      return '}'
    default:
      return undefined
  }
}

/** Splits an expression into `out` (emptied first); the first lexical error ends the scan and is returned. */
export function tokenize(src: string, out: ExprTokens): ExprError | undefined {
  out.count = 0
  let pos = 0
  const n = src.length
  while (pos < n) {
    const c = src.charCodeAt(pos)
    if (isWhiteSpace(c)) {
      pos++
      continue
    }
    const start = pos
    if (isIdentStart(c)) {
      pos++
      while (pos < n && isIdentPart(src.charCodeAt(pos))) pos++
      out.push(ExprTokenKind.Identifier, src.slice(start, pos), undefined, start, pos)
      continue
    }
    if (isDigit(c) || (c === 46 && isDigit(src.charCodeAt(pos + 1)))) {
      pos = numberEnd(src, pos)
      if (pos < n && isIdentPart(src.charCodeAt(pos)))
        return { message: `Invalid number "${src.slice(start, pos + 1)}"`, span: { start, end: pos + 1 } }
      const text = src.slice(start, pos)
      out.push(ExprTokenKind.Number, text, Number(text), start, pos)
      continue
    }
    if (c === 34 || c === 39) {
      const scanned = scanString(src, pos)
      if ('error' in scanned) return scanned.error
      out.push(ExprTokenKind.String, src.slice(start, scanned.end), scanned.value, start, scanned.end)
      pos = scanned.end
      continue
    }
    const punct = punctuatorAt(src, pos)
    // `a?.5:1` is a ternary, not optional chaining.
    const text = punct === '?.' && isDigit(src.charCodeAt(pos + 2)) ? '?' : punct
    if (text === undefined) {
      const message =
        c === 96
          ? 'Template literals are not supported; use "Total: {expr}" binding text instead'
          : `Unexpected character "${src[pos]}"`
      return { message, span: { start, end: start + 1 } }
    }
    pos += text.length
    out.push(ExprTokenKind.Punctuator, text, undefined, start, pos)
  }
  out.push(ExprTokenKind.EndOfInput, '', undefined, n, n)
  return undefined
}

function scanString(src: string, start: number): { value: string; end: number } | { error: ExprError } {
  const quote = src.charCodeAt(start)
  let pos = start + 1
  let value = ''
  let run = pos // start of the characters not yet copied into `value`
  while (pos < src.length) {
    const c = src.charCodeAt(pos)
    if (c === quote) return { value: value + src.slice(run, pos), end: pos + 1 }
    if (c === 10) break
    if (c === 92 /* \ */) {
      value += src.slice(run, pos)
      const next = src[pos + 1]
      if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(src.slice(pos + 2, pos + 6))) {
        value += String.fromCharCode(parseInt(src.slice(pos + 2, pos + 6), 16))
        pos += 6
        run = pos
        continue
      }
      if (next === undefined) break
      value += ESCAPES[next] ?? next
      pos += 2
      run = pos
      continue
    }
    pos++
  }
  return { error: { message: 'Unterminated string literal', span: { start, end: pos } } }
}
