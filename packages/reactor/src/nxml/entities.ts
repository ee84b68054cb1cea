import { isAsciiLetter, isDigit } from '../util/chars.ts'

/**
 * A value that swallowed the next attribute: `name="count type="` lost the quote after `count`. The scanner
 * cuts such a value back; the serializer escapes the `=` (groups: what precedes it, what follows it).
 */
export const SWALLOWED_ATTRIBUTE = /(\s+[A-Za-z_][\w.:-]*\s*)=(\s*)$/

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

/** Decodes the five XML entities and numeric references; anything else (a bare `&&`) stays as written. */
export function decodeEntities(raw: string): string {
  let amp = raw.indexOf('&')
  if (amp === -1) return raw
  let out = ''
  let copied = 0 // raw[copied, amp) is still to be copied
  for (; amp !== -1; amp = raw.indexOf('&', amp + 1)) {
    const semi = raw.indexOf(';', amp + 2)
    // The longest entity body is `#x` + 6 digits (8) or a name; a `;` too far away ends no entity here.
    if (semi === -1) break
    const decoded = decodeEntity(raw, amp + 1, semi)
    if (decoded === undefined) continue
    out += raw.slice(copied, amp) + decoded
    copied = semi + 1
    amp = semi
  }
  return copied === 0 ? raw : out + raw.slice(copied)
}

/** The text of the entity body `raw[start, end)` (between `&` and `;`), or undefined when it is none. */
function decodeEntity(raw: string, start: number, end: number): string | undefined {
  if (raw.charCodeAt(start) !== 35 /* # */) {
    if (end - start > 8 || !isAsciiLetter(raw.charCodeAt(start))) return undefined
    for (let i = start + 1; i < end; i++) {
      const c = raw.charCodeAt(i)
      if (!isAsciiLetter(c) && !isDigit(c)) return undefined
    }
    const name = raw.slice(start, end)
    return Object.hasOwn(NAMED, name) ? NAMED[name] : undefined
  }
  const hex = raw.charCodeAt(start + 1) === 120 /* x */
  const digits = hex ? start + 2 : start + 1
  const count = end - digits
  if (count < 1 || count > (hex ? 6 : 7)) return undefined
  for (let i = digits; i < end; i++) {
    const c = raw.charCodeAt(i)
    if (!(hex ? isHexDigit(c) : isDigit(c))) return undefined
  }
  const cp = parseInt(raw.slice(digits, end), hex ? 16 : 10)
  return cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : undefined
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102)
}

/**
 * Escapes an attribute value for a double-quoted attribute. A `&` is escaped only where the decoder would
 * read an entity, so expressions keep a readable `a && b`; newlines become `&#10;` so a value never spans lines.
 */
export function escapeAttribute(value: string): string {
  return value
    .replace(/&(?=#[0-9]{1,7};|#x[0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]*;)/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
}
