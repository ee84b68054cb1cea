/**
 * Blanks comments and the insides of string, template and regex literals with spaces, keeping every
 * offset (and the quotes) in place, so code patterns can be matched without false hits in text.
 * `${…}` inside templates stays code. A heuristic scanner, not a parser: good enough for static hints.
 */
export function maskSource(code: string): string {
  const out = code.split('')
  const braces: Array<'code' | 'template'> = []
  let i = 0
  const blank = (from: number, to: number): void => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' '
  }
  const template = (): void => {
    // At the character after a backtick or a closing `}` of `${`; stops after the closing backtick or at `${`.
    const from = i
    while (i < code.length && code[i] !== '`' && !(code[i] === '$' && code[i + 1] === '{'))
      i += code[i] === '\\' ? 2 : 1
    blank(from, Math.min(i, code.length))
    if (code[i] === '$') {
      braces.push('template')
      i += 2
    } else i++
  }
  while (i < code.length) {
    const c = code[i] as string
    const next = code[i + 1]
    if (c === '/' && next === '/') {
      const end = code.indexOf('\n', i)
      blank(i, end < 0 ? code.length : end)
      i = end < 0 ? code.length : end
    } else if (c === '/' && next === '*') {
      const end = code.indexOf('*/', i + 2)
      blank(i, end < 0 ? code.length : end + 2)
      i = end < 0 ? code.length : end + 2
    } else if (c === '"' || c === "'") {
      const from = ++i
      while (i < code.length && code[i] !== c && code[i] !== '\n') i += code[i] === '\\' ? 2 : 1
      blank(from, Math.min(i, code.length))
      i++
    } else if (c === '`') {
      i++
      template()
    } else if (c === '/' && startsRegex(code, i)) {
      const from = ++i
      let inClass = false
      while (i < code.length && code[i] !== '\n' && (inClass || code[i] !== '/')) {
        if (code[i] === '[') inClass = true
        else if (code[i] === ']') inClass = false
        i += code[i] === '\\' ? 2 : 1
      }
      blank(from, Math.min(i, code.length))
      i++
    } else if (c === '{') {
      braces.push('code')
      i++
    } else if (c === '}') {
      i++
      if (braces.pop() === 'template') template()
    } else i++
  }
  return out.join('')
}

/** A `/` starts a regex when the previous significant character cannot end an operand. */
function startsRegex(code: string, at: number): boolean {
  let k = at - 1
  while (k >= 0 && /\s/.test(code[k] as string)) k--
  if (k < 0) return true
  const prev = code[k] as string
  if (/[(,=:[!&|?{};+\-*%<>~^]/.test(prev)) return true
  const word = /[A-Za-z_$][\w$]*$/.exec(code.slice(Math.max(0, k - 10), k + 1))?.[0]
  return word === 'return' || word === 'typeof' || word === 'case' || word === 'in' || word === 'of'
}
