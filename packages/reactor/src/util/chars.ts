/** Character classes over char codes (no regex, no string per call), shared by the scanners. */

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57
}

/** `A-Z`, `a-z`. */
export function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
}

/** Space, tab, line feed, vertical tab, form feed, carriage return, no-break space, BOM. */
export function isSpace(c: number): boolean {
  // Ordered so the usual answer, a printable ASCII character, costs two comparisons.
  return c <= 32 ? c === 32 || (c >= 9 && c <= 13) : c >= 0xa0 && (c === 0xa0 || c === 0xfeff)
}

/** Whether `name` is an identifier as NXML declares them: `[A-Za-z_][A-Za-z0-9_]*`. */
export function isIdentifier(name: string): boolean {
  const n = name.length
  if (n === 0) return false
  for (let i = 0; i < n; i++) {
    const c = name.charCodeAt(i)
    if (!isAsciiLetter(c) && c !== 95 /* _ */ && !(i > 0 && isDigit(c))) return false
  }
  return true
}

/** Whether `text` is empty or only white space (like `text.trim() === ''`, without copying it). */
export function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isSpace(text.charCodeAt(i))) return false
  return true
}
