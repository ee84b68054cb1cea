import { mayBeForbidden } from './globals.ts'

/**
 * Handler code (JavaScript the reactor never runs and the sandbox runs in QuickJS) read lexically: comments
 * and the insides of string, template and regex literals become spaces, every offset (and every quote and
 * newline) stays in place, so patterns can be matched without false hits in text. `${…}` inside a template
 * stays code. A heuristic scanner, not a parser: good enough for static checks and inferred grants.
 */

/** `[\w$]`: ASCII letters, digits, `_` and `$`. */
export function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36
}

/** `\s` as JavaScript regular expressions read it. */
export function isJsSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13)
  if (c < 0xa0) return false
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

const CODE = 0
const TEMPLATE = 1

/**
 * `code` with comments and literal text blanked (see the file comment). With `words`, the same pass pushes
 * the `start, end` of each word (`[\w$]+`) outside the blanked ranges that handler analysis looks at: `$`
 * words and those that may be a forbidden global. `regexLiterals: false` reads `/` as
 * division only (expressions, which have no regex literals).
 *
 * @example blankHandlerCode("$log('$state.x') // $emit('y')") // "$log('        ')            "
 */
export function blankHandlerCode(code: string, words?: number[], regexLiterals = true): string {
  let out = ''
  let kept = 0 // code[kept, i) is copied as is when the next blank range starts
  let i = 0
  const braces: number[] = [] // CODE for `{`, TEMPLATE for `${`: a `}` popping TEMPLATE resumes the template
  const n = code.length
  while (i < n) {
    const ch = code.charCodeAt(i)
    let from = -1
    let to = -1
    if (ch === 47 /* / */) {
      const next = code.charCodeAt(i + 1)
      if (next === 47) {
        const end = code.indexOf('\n', i)
        from = i
        to = i = end === -1 ? n : end
      } else if (next === 42 /* * */) {
        const end = code.indexOf('*/', i + 2)
        from = i
        to = i = end === -1 ? n : end + 2
      } else if (regexLiterals && startsRegex(code, i)) {
        let j = i + 1
        let inClass = false
        for (;;) {
          if (j >= n) break
          const c = code.charCodeAt(j)
          if (c === 10 || (!inClass && c === 47)) break
          if (c === 91 /* [ */) inClass = true
          else if (c === 93 /* ] */) inClass = false
          j += c === 92 /* \ */ ? 2 : 1
        }
        from = i + 1
        to = j
        i = j + 1
      } else {
        i++
        continue
      }
    } else if (ch === 34 /* " */ || ch === 39 /* ' */) {
      let j = i + 1
      for (;;) {
        if (j >= n) break
        const c = code.charCodeAt(j)
        if (c === ch || c === 10) break
        j += c === 92 ? 2 : 1
      }
      from = i + 1
      to = j
      i = j + 1
    } else if (ch === 96 /* ` */ || (ch === 125 /* } */ && braces.length > 0 && braces.at(-1) === TEMPLATE)) {
      if (ch === 125) braces.pop()
      let j = i + 1
      for (;;) {
        if (j >= n) break
        const c = code.charCodeAt(j)
        if (c === 96 || (c === 36 /* $ */ && code.charCodeAt(j + 1) === 123)) break
        j += c === 92 ? 2 : 1
      }
      from = i + 1
      to = j
      if (j < n && code.charCodeAt(j) === 36) {
        braces.push(TEMPLATE)
        i = j + 2
      } else i = j + 1
    } else if (words !== undefined && isWordChar(ch)) {
      const start = i
      while (++i < n && isWordChar(code.charCodeAt(i)));
      if (ch === 36 /* $ */ || mayBeForbidden(code, start, i)) words.push(start, i)
      continue
    } else {
      if (ch === 123 /* { */) braces.push(CODE)
      else if (ch === 125) braces.pop()
      i++
      continue
    }
    if (to > n) to = n
    if (to > from) {
      out += code.slice(kept, from) + blank(code.slice(from, to))
      kept = to
    }
  }
  return kept === 0 ? code : out + code.slice(kept)
}

/** Spaces for every character but newlines (offsets and line numbers stay in place). */
function blank(text: string): string {
  return text.includes('\n') ? text.replace(/[^\n]/g, ' ') : ' '.repeat(text.length)
}

/** `(,=:[!&|?{};+-*%<>~^`: after one of these a `/` starts a regex literal. */
const OPERAND_END = new Uint8Array(128)
for (const c of '(,=:[!&|?{};+-*%<>~^') OPERAND_END[c.charCodeAt(0)] = 1

/** A `/` starts a regex when the previous significant character cannot end an operand. */
function startsRegex(code: string, at: number): boolean {
  let k = at - 1
  while (k >= 0 && isJsSpace(code.charCodeAt(k))) k--
  if (k < 0) return true
  const prev = code.charCodeAt(k)
  if (prev < 128 && OPERAND_END[prev] === 1) return true
  if (!isWordChar(prev)) return false
  // The word `[A-Za-z_$][\w$]*` ending at `k` within its last 11 characters, as a regex search of them finds it.
  const floor = Math.max(0, k - 10)
  let from = k
  while (from > floor && isWordChar(code.charCodeAt(from - 1))) from--
  while (from <= k && isDigitCode(code.charCodeAt(from))) from++
  switch (k + 1 - from) {
    case 2:
      return code.startsWith('in', from) || code.startsWith('of', from)
    case 4:
      return code.startsWith('case', from)
    case 6:
      return code.startsWith('return', from) || code.startsWith('typeof', from)
    default:
      return false
  }
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57
}
