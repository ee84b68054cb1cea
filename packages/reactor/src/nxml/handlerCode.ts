import { setBounded, TextCache } from '../util/textCache.ts'

/**
 * Lexical helpers for handler code (JavaScript the reactor never runs): blank out strings and comments so
 * regular expressions see only code, keeping every offset in place.
 */
function blankStringsAndComments(code: string): string {
  let out = ''
  let kept = 0 // code[kept, i) is copied as is when the next blank range starts
  let i = 0
  const templateDepth: number[] = [] // brace depth at which each open `${` returns to its template
  let braces = 0
  const n = code.length
  while (i < n) {
    const ch = code.charCodeAt(i)
    let from = -1
    let to = -1
    if (ch === 47 /* / */ && code.charCodeAt(i + 1) === 47) {
      const end = code.indexOf('\n', i)
      from = i
      to = i = end === -1 ? n : end
    } else if (ch === 47 && code.charCodeAt(i + 1) === 42 /* * */) {
      const end = code.indexOf('*/', i + 2)
      from = i
      to = i = end === -1 ? n : end + 2
    } else if (ch === 34 /* " */ || ch === 39 /* ' */) {
      let j = i + 1
      for (;;) {
        if (j >= n) break
        const c = code.charCodeAt(j)
        if (c === ch || c === 10) break
        j += c === 92 /* \ */ ? 2 : 1
      }
      from = i + 1
      to = j
      i = j + 1
    } else if (ch === 96 /* ` */ || (ch === 125 /* } */ && templateDepth.length && templateDepth.at(-1) === braces)) {
      if (ch === 125) templateDepth.pop()
      let j = i + 1
      for (;;) {
        if (j >= n) break
        const c = code.charCodeAt(j)
        if (c === 96 || (c === 36 /* $ */ && code.charCodeAt(j + 1) === 123)) break
        j += c === 92 ? 2 : 1
      }
      from = i + 1
      to = j
      if (code.charCodeAt(j) === 36) {
        templateDepth.push(braces)
        i = j + 2
      } else i = j + 1
    } else {
      if (ch === 123 /* { */) braces++
      else if (ch === 125) braces--
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
function stateUses(code: string, blanked: string): HandlerUse[] {
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
function memberUses(root: string, blanked: string): NamedUse[] {
  const out: NamedUse[] = []
  if (!blanked.includes(root)) return out
  const re = memberPattern(root)
  re.lastIndex = 0
  for (let m = re.exec(blanked); m !== null; m = re.exec(blanked))
    out.push({ name: m[1]!, at: m.index, length: m[0].length })
  return out
}

const MEMBER_PATTERNS = new Map<string, RegExp>()

function memberPattern(root: string): RegExp {
  let re = MEMBER_PATTERNS.get(root)
  if (!re) {
    re = new RegExp(`(?<![\\w$.])\\${root}\\s*\\??\\.\\s*([A-Za-z_$][\\w$]*)`, 'g')
    MEMBER_PATTERNS.set(root, re)
  }
  return re
}

/** What the validator needs to know about one handler's code; a pure function of the text. */
export interface HandlerAnalysis {
  forbidden: readonly NamedUse[]
  state: readonly HandlerUse[]
  computed: readonly NamedUse[]
  args: readonly NamedUse[]
  ext: readonly NamedUse[]
  emits: readonly NamedUse[]
  /** `$state.key` / `$state['key']` mentioned anywhere in the text, strings and comments included. */
  mentions: readonly string[]
  /** `$state` used as a whole or with a computed key (`$state[k]`, `f($state)`): every state counts as used. */
  dynamicState: boolean
}

const ANALYSIS_CACHE_LIMIT = 2000
const ANALYSES = new TextCache<HandlerAnalysis>(ANALYSIS_CACHE_LIMIT)

/** Forgets every handler analysis and `$scope` scan (see `clearNxmlCaches`). */
export function clearHandlerCaches(): void {
  ANALYSES.clear()
  SCOPE_USES.clear()
}
const DYNAMIC_STATE = /\$state\s*(?:\[(?!\s*['"])|[^\s.[?])|\$state\s*$/

/**
 * Every lexical fact about `code` the validator checks, computed once per distinct text (bounded cache), so
 * re-validating a panel whose handlers did not change costs a lookup per handler.
 */
export function analyzeHandler(code: string): HandlerAnalysis {
  const cached = ANALYSES.lookup(code)
  if (cached) return cached.value
  const blanked = blankStringsAndComments(code)
  const analysis: HandlerAnalysis = {
    forbidden: globalUses(blanked, FORBIDDEN_GLOBALS),
    state: stateUses(code, blanked),
    computed: memberUses('$computed', blanked),
    args: memberUses('$args', blanked),
    ext: memberUses('$ext', blanked),
    emits: emitUses(code, blanked),
    mentions: stateMentions(code),
    dynamicState: DYNAMIC_STATE.test(code),
  }
  ANALYSES.set(code, analysis)
  return analysis
}

/** `$state.key` or `$state['key']` in code or in an expression that does not parse. */
const STATE_MENTION = /\$state\s*(?:\??\.\s*([A-Za-z_$][\w$]*)|\[\s*(['"])([^'"]+)\2\s*\])/g

/** The state keys `text` mentions (`$state.key`, `$state['key']`), wherever they are written. */
export function stateMentions(text: string): string[] {
  const keys: string[] = []
  if (!text.includes('$state')) return keys
  for (const m of text.matchAll(STATE_MENTION)) keys.push(m[1] ?? m[3]!)
  return keys
}

const SCOPE_USES = new Map<string, readonly NamedUse[]>()

/** `$scope.name` reads in an expression's source (strings and comments ignored), cached by text. */
export function scopeUses(source: string): readonly NamedUse[] {
  if (!source.includes('$scope')) return []
  let uses = SCOPE_USES.get(source)
  if (!uses) {
    uses = memberUses('$scope', blankStringsAndComments(source))
    setBounded(SCOPE_USES, ANALYSIS_CACHE_LIMIT, source, uses)
  }
  return uses
}

/** `$emit('name', …)` with a literal name. */
function emitUses(code: string, blanked: string): NamedUse[] {
  const out: NamedUse[] = []
  for (const m of blanked.matchAll(/(?<![\w$.])\$emit\s*\(\s*(['"`])/g)) {
    const open = m.index + m[0].length
    const close = code.indexOf(m[1]!, open)
    if (close !== -1) out.push({ name: code.slice(open, close), at: m.index, length: close + 1 - m.index })
  }
  return out
}

/** Identifiers used as free globals (not after `.`, not object keys). */
function globalUses(blanked: string, names: ReadonlySet<string>): NamedUse[] {
  const out: NamedUse[] = []
  for (const m of blanked.matchAll(/(?<![\w$.])[A-Za-z_$][\w$]*/g)) {
    if (!names.has(m[0])) continue
    const next = /^\s*(.)/.exec(blanked.slice(m.index + m[0].length))?.[1]
    if (next === ':' && /[{,]\s*$/.test(blanked.slice(0, m.index))) continue
    out.push({ name: m[0], at: m.index, length: m[0].length })
  }
  return out
}
