import { isAsciiLetter, isDigit } from '../util/chars.ts'
import type { ExprError, ExprSpan } from './ast.ts'

export enum ExprTokenKind {
  Number,
  String,
  Identifier,
  Punctuator,
  EndOfInput,
}

export interface ExprToken {
  kind: ExprTokenKind
  /** The punctuator or identifier text; the decoded value for strings; the source text for numbers. */
  text: string
  value?: number | string
  span: ExprSpan
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

const NUMBER = /0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y

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

/** Splits an expression into tokens; the first lexical error ends the scan. */
export function tokenize(src: string): { tokens: ExprToken[]; error?: ExprError } {
  const tokens: ExprToken[] = []
  let pos = 0
  const n = src.length
  while (pos < n) {
    const c = src.charCodeAt(pos)
    if (isWhiteSpace(c)) {
      pos++
      continue
    }
    const start = pos
    if (isDigit(c) || (c === 46 && isDigit(src.charCodeAt(pos + 1)))) {
      NUMBER.lastIndex = pos
      NUMBER.exec(src)
      pos = NUMBER.lastIndex
      if (pos < n && isIdentPart(src.charCodeAt(pos))) {
        return {
          tokens,
          error: { message: `Invalid number "${src.slice(start, pos + 1)}"`, span: { start, end: pos + 1 } },
        }
      }
      const text = src.slice(start, pos)
      tokens.push({ kind: ExprTokenKind.Number, text, value: Number(text), span: { start, end: pos } })
      continue
    }
    if (c === 34 || c === 39) {
      const scanned = scanString(src, pos)
      if ('error' in scanned) return { tokens, error: scanned.error }
      tokens.push({
        kind: ExprTokenKind.String,
        text: src.slice(start, scanned.end),
        value: scanned.value,
        span: { start, end: scanned.end },
      })
      pos = scanned.end
      continue
    }
    if (isIdentStart(c)) {
      pos++
      while (pos < n && isIdentPart(src.charCodeAt(pos))) pos++
      tokens.push({ kind: ExprTokenKind.Identifier, text: src.slice(start, pos), span: { start, end: pos } })
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
      return { tokens, error: { message, span: { start, end: start + 1 } } }
    }
    pos += text.length
    tokens.push({ kind: ExprTokenKind.Punctuator, text, span: { start, end: pos } })
  }
  tokens.push({ kind: ExprTokenKind.EndOfInput, text: '', span: { start: n, end: n } })
  return { tokens }
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
