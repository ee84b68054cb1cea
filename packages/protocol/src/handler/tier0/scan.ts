/** Token kinds of the tier-0 subset. `name` covers identifiers and keywords alike. */
export const enum TokenKind {
  Name,
  Number,
  String,
  Punct,
  End,
}

export interface Token {
  kind: TokenKind
  /** The identifier, the punctuator, the string's value, or the number's source text. */
  text: string
  /** A line terminator (or a comment holding one) comes before this token: where ASI may apply. */
  newlineBefore: boolean
  /** Offset of the token's first character in the code (the code's length for the end). */
  at: number
}

/** Longest code tier 0 looks at; longer handlers go to QuickJS. Bounds parse time and the cache's memory. */
export const MAX_TIER0_CODE = 4096

// Every JS punctuator, longest first, so the scan splits operators exactly as JS does (maximal munch) even
// for the ones the parser then refuses (`>>=`, `**`, `?.`, `=>`, …).
const PUNCTUATORS = [
  '>>>=',
  '...',
  '===',
  '!==',
  '**=',
  '<<=',
  '>>=',
  '>>>',
  '&&=',
  '||=',
  '??=',
  '=>',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '??',
  '?.',
  '++',
  '--',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '**',
  '<<',
  '>>',
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  ';',
  ',',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '&',
  '|',
  '^',
  '!',
  '~',
  '?',
  ':',
  '=',
  '.',
]

const IDENT_START = /[A-Za-z_$]/
const IDENT_PART = /[A-Za-z0-9_$]/
const DECIMAL = /(?:0|[1-9][0-9]*)(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?/y
const HEX = /0[xX][0-9a-fA-F]+/y
const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v' }

/**
 * Splits a handler body into tokens, or returns undefined when it holds anything outside the tier-0 lexical
 * subset: non-ASCII outside strings, template or regex literals, BigInt, legacy octal, numeric separators,
 * unicode escapes in names, HTML-like comments, U+2028/U+2029. Refusing is always safe: QuickJS runs it.
 */
export function scanTier0(code: string): Token[] | undefined {
  if (code.length > MAX_TIER0_CODE || code.includes('\u2028') || code.includes('\u2029')) return undefined
  const tokens: Token[] = []
  let pos = 0
  let newline = false
  let start = 0
  const push = (kind: TokenKind, text: string): void => {
    tokens.push({ kind, text, newlineBefore: newline, at: start })
    newline = false
  }
  while (pos < code.length) {
    start = pos
    const c = code[pos]!
    if (c === ' ' || c === '\t') pos++
    else if (c === '\n' || c === '\r') {
      newline = true
      pos++
    } else if (code.startsWith('//', pos)) {
      while (pos < code.length && code[pos] !== '\n' && code[pos] !== '\r') pos++
    } else if (code.startsWith('/*', pos)) {
      const end = code.indexOf('*/', pos + 2)
      if (end < 0) return undefined
      if (/[\n\r]/.test(code.slice(pos, end))) newline = true
      pos = end + 2
    } else if (code.startsWith('<!--', pos) || code.startsWith('-->', pos)) {
      return undefined // Annex B HTML-like comments: not worth modelling
    } else if (IDENT_START.test(c)) {
      while (pos < code.length && IDENT_PART.test(code[pos]!)) pos++
      if (code[pos] === '\\') return undefined
      push(TokenKind.Name, code.slice(start, pos))
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(code[pos + 1] ?? ''))) {
      const text = matchAt(HEX, code, pos) ?? matchAt(DECIMAL, code, pos)
      if (text === undefined) return undefined
      pos += text.length
      // JS forbids an identifier start or digit right after a number (`3in`, `1n`, `1_0`, `08`, `1.2.3`).
      if (pos < code.length && /[A-Za-z0-9_$\\.]/.test(code[pos]!)) return undefined
      push(TokenKind.Number, text)
    } else if (c === '"' || c === "'") {
      const read = readString(code, pos)
      if (!read) return undefined
      pos = read.end
      push(TokenKind.String, read.value)
    } else {
      let punct = PUNCTUATORS.find((p) => code.startsWith(p, pos))
      if (punct === undefined) return undefined
      // `a?.5:0` is a conditional, not optional chaining.
      if (punct === '?.' && /[0-9]/.test(code[pos + 2] ?? '')) punct = '?'
      pos += punct.length
      push(TokenKind.Punct, punct)
    }
  }
  start = code.length
  push(TokenKind.End, '')
  return tokens
}

function matchAt(re: RegExp, code: string, pos: number): string | undefined {
  re.lastIndex = pos
  return re.exec(code)?.[0]
}

/** A quoted string literal starting at `start`; undefined for anything unusual (octal escapes, bad escapes). */
function readString(code: string, start: number): { value: string; end: number } | undefined {
  const quote = code[start]
  let value = ''
  let pos = start + 1
  while (pos < code.length) {
    const c = code[pos]!
    if (c === quote) return { value, end: pos + 1 }
    if (c === '\n' || c === '\r') return undefined
    if (c !== '\\') {
      value += c
      pos++
      continue
    }
    const e = code[pos + 1]
    if (e === undefined) return undefined
    pos += 2
    if (Object.hasOwn(SIMPLE_ESCAPES, e)) value += SIMPLE_ESCAPES[e]
    else if (e === '0' && !/[0-9]/.test(code[pos] ?? '')) value += '\0'
    else if (e === 'x' || e === 'u') {
      const hex =
        e === 'x' ? /^[0-9a-fA-F]{2}/.exec(code.slice(pos, pos + 2)) : /^[0-9a-fA-F]{4}/.exec(code.slice(pos, pos + 4))
      if (!hex) return undefined
      value += String.fromCharCode(parseInt(hex[0], 16))
      pos += hex[0].length
    } else if (e === '\r') {
      if (code[pos] === '\n') pos++ // line continuation
    } else if (e === '\n') {
      // line continuation: contributes nothing
    } else if (/[0-9]/.test(e)) return undefined
    else value += e
  }
  return undefined
}
