/**
 * Whether a text is JSON, and of which kind at the top, without building the value: lowering checks a
 * structured `default` with this and parses it only when the value is read (`lazyDefault`), since a cold
 * compile spent a tenth of its time in `JSON.parse` building values nothing read. Accepts exactly what
 * `JSON.parse` accepts (RFC 8259: white space is space, tab, CR and LF; no depth limit), iteratively.
 */

/** The top-level kind of a JSON text; `undefined` when `JSON.parse` would throw. */
export type JsonKind = 'array' | 'object' | 'other'

const enum Frame {
  Array,
  Object,
}

export function jsonKind(text: string): JsonKind | undefined {
  const n = text.length
  let i = skipSpace(text, 0)
  const first = text.charCodeAt(i)
  const kind: JsonKind = first === 91 /* [ */ ? 'array' : first === 123 /* { */ ? 'object' : 'other'
  const stack: Frame[] = []
  // Each turn reads one value at `i`; then closes containers and reads a `,` (and a key) or ends.
  for (;;) {
    i = skipSpace(text, i)
    const c = text.charCodeAt(i)
    if (c === 91 /* [ */ || c === 123 /* { */) {
      const isArray = c === 91
      i = skipSpace(text, i + 1)
      const close = isArray ? 93 : 125
      if (text.charCodeAt(i) === close)
        i++ // empty: a complete value, fall through to what follows
      else {
        stack.push(isArray ? Frame.Array : Frame.Object)
        if (!isArray) {
          i = key(text, i)
          if (i < 0) return undefined
        }
        continue
      }
    } else {
      i = scalar(text, i, c)
      if (i < 0) return undefined
    }
    // After a value: `,` (next item), a close of the innermost container, or the end.
    for (;;) {
      i = skipSpace(text, i)
      if (stack.length === 0) return i === n ? kind : undefined
      const frame = stack[stack.length - 1]!
      const d = text.charCodeAt(i)
      if (d === 44 /* , */) {
        i = skipSpace(text, i + 1)
        if (frame === Frame.Object) {
          i = key(text, i)
          if (i < 0) return undefined
        }
        break
      }
      if (d !== (frame === Frame.Array ? 93 /* ] */ : 125) /* } */) return undefined
      stack.pop()
      i++
    }
  }
}

/** `"key"` and `:` at `i`; the offset after the colon, or -1. */
function key(text: string, i: number): number {
  if (text.charCodeAt(i) !== 34 /* " */) return -1
  i = string(text, i)
  if (i < 0) return -1
  i = skipSpace(text, i)
  return text.charCodeAt(i) === 58 /* : */ ? i + 1 : -1
}

/** A string, number or literal starting at `i` (first character `c`); the offset after it, or -1. */
function scalar(text: string, i: number, c: number): number {
  if (c === 34 /* " */) return string(text, i)
  if (c === 45 /* - */ || (c >= 48 && c <= 57)) return number(text, i)
  if (c === 116 /* t */) return text.startsWith('true', i) ? i + 4 : -1
  if (c === 102 /* f */) return text.startsWith('false', i) ? i + 5 : -1
  if (c === 110 /* n */) return text.startsWith('null', i) ? i + 4 : -1
  return -1
}

function string(text: string, i: number): number {
  const n = text.length
  for (i++; i < n; i++) {
    const c = text.charCodeAt(i)
    if (c === 34 /* " */) return i + 1
    if (c < 32) return -1
    if (c !== 92 /* \ */) continue
    const e = text.charCodeAt(++i)
    if (e === 117 /* u */) {
      for (let k = 1; k <= 4; k++) if (!isHex(text.charCodeAt(i + k))) return -1
      i += 4
    } else if (!(e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116))
      return -1
  }
  return -1
}

/** `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?` */
function number(text: string, i: number): number {
  if (text.charCodeAt(i) === 45 /* - */) i++
  const c = text.charCodeAt(i)
  if (c === 48 /* 0 */) i++
  else if (c >= 49 && c <= 57) i = digits(text, i + 1)
  else return -1
  if (text.charCodeAt(i) === 46 /* . */) {
    const start = i + 1
    i = digits(text, start)
    if (i === start) return -1
  }
  const e = text.charCodeAt(i)
  if (e === 101 || e === 69 /* e E */) {
    i++
    const sign = text.charCodeAt(i)
    if (sign === 43 || sign === 45) i++
    const start = i
    i = digits(text, start)
    if (i === start) return -1
  }
  return i
}

function digits(text: string, i: number): number {
  for (let c = text.charCodeAt(i); c >= 48 && c <= 57; c = text.charCodeAt(++i));
  return i
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70)
}

function skipSpace(text: string, i: number): number {
  for (let c = text.charCodeAt(i); c === 32 || c === 10 || c === 13 || c === 9; c = text.charCodeAt(++i));
  return i
}
