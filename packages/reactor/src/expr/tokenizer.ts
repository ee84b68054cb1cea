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

// Longest first, so `===` wins over `==` and `?.` over `?`.
const PUNCTUATORS = [
  '===',
  '!==',
  '...',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '??',
  '?.',
  '=>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '<',
  '>',
  '!',
  '?',
  ':',
  '.',
  ',',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '=',
]

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' }

function isIdentStart(ch: string): boolean {
  return /[A-Za-z_$]/.test(ch)
}
function isIdentPart(ch: string): boolean {
  return /[A-Za-z0-9_$]/.test(ch)
}
function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9'
}

/** Splits an expression into tokens; the first lexical error ends the scan. */
export function tokenize(src: string): { tokens: ExprToken[]; error?: ExprError } {
  const tokens: ExprToken[] = []
  let pos = 0
  while (pos < src.length) {
    const ch = src[pos]!
    if (/\s/.test(ch)) {
      pos++
      continue
    }
    const start = pos
    if (isDigit(ch) || (ch === '.' && isDigit(src[pos + 1]))) {
      const m = /^(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/.exec(src.slice(pos))!
      pos += m[0].length
      if (pos < src.length && isIdentPart(src[pos]!)) {
        return {
          tokens,
          error: { message: `Invalid number "${src.slice(start, pos + 1)}"`, span: { start, end: pos + 1 } },
        }
      }
      tokens.push({ kind: ExprTokenKind.Number, text: m[0], value: Number(m[0]), span: { start, end: pos } })
      continue
    }
    if (ch === '"' || ch === "'") {
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
    if (isIdentStart(ch)) {
      while (pos < src.length && isIdentPart(src[pos]!)) pos++
      tokens.push({ kind: ExprTokenKind.Identifier, text: src.slice(start, pos), span: { start, end: pos } })
      continue
    }
    const punct = PUNCTUATORS.find((p) => src.startsWith(p, pos))
    // `a?.5:1` is a ternary, not optional chaining.
    const text = punct === '?.' && isDigit(src[pos + 2]) ? '?' : punct
    if (text === undefined) {
      const message =
        ch === '`'
          ? 'Template literals are not supported; use "Total: {expr}" binding text instead'
          : `Unexpected character "${ch}"`
      return { tokens, error: { message, span: { start, end: start + 1 } } }
    }
    pos += text.length
    tokens.push({ kind: ExprTokenKind.Punctuator, text, span: { start, end: pos } })
  }
  tokens.push({ kind: ExprTokenKind.EndOfInput, text: '', span: { start: src.length, end: src.length } })
  return { tokens }
}

function scanString(src: string, start: number): { value: string; end: number } | { error: ExprError } {
  const quote = src[start]
  let pos = start + 1
  let value = ''
  while (pos < src.length) {
    const ch = src[pos]!
    if (ch === quote) return { value, end: pos + 1 }
    if (ch === '\n') break
    if (ch === '\\') {
      const next = src[pos + 1]
      if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(src.slice(pos + 2, pos + 6))) {
        value += String.fromCharCode(parseInt(src.slice(pos + 2, pos + 6), 16))
        pos += 6
        continue
      }
      if (next === undefined) break
      value += ESCAPES[next] ?? next
      pos += 2
      continue
    }
    value += ch
    pos++
  }
  return { error: { message: 'Unterminated string literal', span: { start, end: pos } } }
}
