/**
 * Lexical helpers for handler code (JavaScript the reactor never runs): blank out strings and comments so
 * regular expressions see only code, keeping every offset in place.
 */
export function blankStringsAndComments(code: string): string {
  const out = code.split('')
  let i = 0
  const blank = (from: number, to: number) => {
    for (let k = from; k < to && k < out.length; k++) if (out[k] !== '\n') out[k] = ' '
  }
  const templateDepth: number[] = [] // brace depth at which each open `${` returns to its template
  let braces = 0
  while (i < code.length) {
    const ch = code[i]!
    if (ch === '/' && code[i + 1] === '/') {
      const end = code.indexOf('\n', i)
      const stop = end === -1 ? code.length : end
      blank(i, stop)
      i = stop
    } else if (ch === '/' && code[i + 1] === '*') {
      const end = code.indexOf('*/', i + 2)
      const stop = end === -1 ? code.length : end + 2
      blank(i, stop)
      i = stop
    } else if (ch === '"' || ch === "'") {
      let j = i + 1
      while (j < code.length && code[j] !== ch && code[j] !== '\n') j += code[j] === '\\' ? 2 : 1
      blank(i + 1, j)
      i = j + 1
    } else if (ch === '`' || (ch === '}' && templateDepth.at(-1) === braces)) {
      if (ch === '}') templateDepth.pop()
      let j = i + 1
      while (j < code.length && code[j] !== '`' && !(code[j] === '$' && code[j + 1] === '{'))
        j += code[j] === '\\' ? 2 : 1
      blank(i + 1, j)
      if (code[j] === '$') {
        templateDepth.push(braces)
        i = j + 2
      } else i = j + 1
    } else {
      if (ch === '{') braces++
      else if (ch === '}') braces--
      i++
    }
  }
  return out.join('')
}

/** Globals a handler may not use: the sandbox has no host, network, timers or code loading. */
export const FORBIDDEN_GLOBALS: ReadonlySet<string> = new Set([
  'eval',
  'Function',
  'require',
  'import',
  'process',
  'global',
  'globalThis',
  'window',
  'document',
  'self',
  'fetch',
  'XMLHttpRequest',
  'WebSocket',
  'importScripts',
  'setTimeout',
  'setInterval',
  'setImmediate',
  'Deno',
  'Bun',
  'module',
  'exports',
  '__dirname',
  '__filename',
])

/** The globals a handler has (documented in docs/nxml.md). */
export const HANDLER_GLOBALS = ['$state', '$args', '$computed', '$emit', '$log', '$view', '$ext', '$panel'] as const

export interface HandlerUse {
  kind: 'read' | 'write'
  key: string
  /** Offset in the code. */
  at: number
  length: number
}

const STATE_ACCESS = /(?<![\w$.])\$state\s*(?:\??\.\s*([A-Za-z_$][\w$]*)|\[\s*(['"])([^'"]+)\2\s*\])/g
const MUTATORS =
  /^(?:\s*(?:\??\.\s*[A-Za-z_$][\w$]*|\[[^\]]*\]))*\s*(?:\.\s*(?:push|pop|shift|unshift|splice|sort|reverse|fill|copyWithin)\s*\(|(?:\+\+|--|(?:\*\*|\?\?|\|\||&&|[-+*/%&|^]|<<|>>>?)?=(?!=)))/

/** `$state.key` reads and writes (assignments, `++`/`--`, `delete`, mutating array methods). */
export function stateUses(code: string, blanked = blankStringsAndComments(code)): HandlerUse[] {
  const uses: HandlerUse[] = []
  for (const m of blanked.matchAll(STATE_ACCESS)) {
    // Bracket keys were blanked; read them from the original code at the same offsets.
    const original = code.slice(m.index, m.index + m[0].length)
    const key = m[1] ?? /\[\s*(['"])([^'"]+)\1/.exec(original)?.[2]
    if (!key) continue
    const after = blanked.slice(m.index + m[0].length, m.index + m[0].length + 200)
    const before = blanked.slice(Math.max(0, m.index - 8), m.index)
    const write = MUTATORS.test(after) || /(?:\+\+|--|\bdelete)\s*$/.test(before)
    uses.push({ kind: write ? 'write' : 'read', key, at: m.index, length: m[0].length })
  }
  return uses
}

export interface NamedUse {
  name: string
  at: number
  length: number
}

/** `$<root>.name` member reads, e.g. `$args.step`, `$computed.total`, `$ext.http`. */
export function memberUses(root: string, blanked: string): NamedUse[] {
  const re = new RegExp(`(?<![\\w$.])\\${root}\\s*\\??\\.\\s*([A-Za-z_$][\\w$]*)`, 'g')
  return [...blanked.matchAll(re)].map((m) => ({ name: m[1]!, at: m.index, length: m[0].length }))
}

/** `$emit('name', …)` with a literal name. */
export function emitUses(code: string, blanked: string): NamedUse[] {
  const out: NamedUse[] = []
  for (const m of blanked.matchAll(/(?<![\w$.])\$emit\s*\(\s*(['"`])/g)) {
    const open = m.index + m[0].length
    const close = code.indexOf(m[1]!, open)
    if (close !== -1) out.push({ name: code.slice(open, close), at: m.index, length: close + 1 - m.index })
  }
  return out
}

/** Identifiers used as free globals (not after `.`, not object keys). */
export function globalUses(blanked: string, names: ReadonlySet<string>): NamedUse[] {
  const out: NamedUse[] = []
  for (const m of blanked.matchAll(/(?<![\w$.])[A-Za-z_$][\w$]*/g)) {
    if (!names.has(m[0])) continue
    const next = /^\s*(.)/.exec(blanked.slice(m.index + m[0].length))?.[1]
    if (next === ':' && /[{,]\s*$/.test(blanked.slice(0, m.index))) continue
    out.push({ name: m[0], at: m.index, length: m[0].length })
  }
  return out
}
