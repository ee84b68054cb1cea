const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }
const ENTITY = /&(#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]*);/g

/** Decodes the five XML entities and numeric references; anything else (a bare `&&`) stays as written. */
export function decodeEntities(raw: string): string {
  if (!mayHoldEntity(raw)) return raw
  return raw.replace(ENTITY, (whole, body: string) => {
    if (body[0] !== '#') return NAMED[body] ?? whole
    const cp = body[1] === 'x' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10)
    return cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : whole
  })
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

/** Whether some `&` is followed by `#` or a letter (a bare `&&` in an expression is not an entity). */
function mayHoldEntity(raw: string): boolean {
  for (let i = raw.indexOf('&'); i !== -1; i = raw.indexOf('&', i + 1)) {
    const c = raw.charCodeAt(i + 1)
    if (c === 35 /* # */ || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return true
  }
  return false
}
