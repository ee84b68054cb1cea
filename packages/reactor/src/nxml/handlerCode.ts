import { isAsciiLetter, isDigit } from '../util/chars.ts'
import { setBounded, TextCache } from '../util/textCache.ts'

/**
 * Lexical helpers for handler code (JavaScript the reactor never runs): blank out strings and comments so
 * regular expressions see only code, keeping every offset in place. With `words`, the same pass also
 * collects the words of the code that handler analysis looks at (see `isCandidate`) as `start, end` pairs.
 */
function blankStringsAndComments(code: string, words?: number[]): string {
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
    } else if (words !== undefined && isWordChar(ch)) {
      const start = i
      while (++i < n && isWordChar(code.charCodeAt(i)));
      // Just after a blanked range the blanked text has a space before the word, whatever the code had.
      if (isCandidate(code, start, i, start === kept && kept > 0)) words.push(start, i)
      continue
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

/** After a `$state` word: `.key`, `?.key` or `['key']` (a key whose string was blanked). */
const STATE_ACCESS = /\s*(?:\??\.\s*([A-Za-z_$][\w$]*)|\[\s*(['"])([^'"]+)\2\s*\])/y
const MUTATORS =
  /^(?:\s*(?:\??\.\s*[A-Za-z_$][\w$]*|\[[^\]]*\]))*\s*(?:\.\s*(?:push|pop|shift|unshift|splice|sort|reverse|fill|copyWithin)\s*\(|(?:\+\+|--|(?:\*\*|\?\?|\|\||&&|[-+*/%&|^]|<<|>>>?)?=(?!=)))/

/**
 * A `$state.key` read or write (assignment, `++`/`--`, `delete`, mutating array method) at the `$state` word
 * `[at, end)` of the blanked code; the end of the access, or -1 when none follows the word.
 */
function stateUse(code: string, blanked: string, at: number, end: number, uses: HandlerUse[]): number {
  STATE_ACCESS.lastIndex = end
  const m = STATE_ACCESS.exec(blanked)
  if (!m) return -1
  const stop = STATE_ACCESS.lastIndex
  // Bracket keys were blanked; read them from the original code at the same offsets.
  const key = m[1] ?? /\[\s*(['"])([^'"]+)\1/.exec(code.slice(at, stop))?.[2]
  if (!key) return stop
  const after = blanked.slice(stop, stop + 200)
  const before = blanked.slice(Math.max(0, at - 8), at)
  const write = MUTATORS.test(after) || /(?:\+\+|--|\bdelete)\s*$/.test(before)
  uses.push({ kind: write ? 'write' : 'read', key, at, length: stop - at })
  return stop
}

export interface NamedUse {
  name: string
  at: number
  length: number
}

/** After a `$<root>` word: `.name` or `?.name`, e.g. `$args.step`, `$computed.total`, `$ext.http`. */
const MEMBER = /\s*\??\.\s*([A-Za-z_$][\w$]*)/y

/** The member use at the `$<root>` word `[at, end)` of `blanked`; its end, or -1 when no member follows. */
function memberUse(blanked: string, at: number, end: number, out: NamedUse[]): number {
  MEMBER.lastIndex = end
  const m = MEMBER.exec(blanked)
  if (!m) return -1
  out.push({ name: m[1]!, at, length: MEMBER.lastIndex - at })
  return MEMBER.lastIndex
}

/** `$<root>.name` member reads in `blanked` (strings and comments blanked), e.g. `$scope.item`. */
function memberUses(root: string, blanked: string): NamedUse[] {
  const out: NamedUse[] = []
  let resume = 0
  for (let at = blanked.indexOf(root); at !== -1; at = blanked.indexOf(root, at + 1)) {
    const end = at + root.length
    if (at < resume || !isWordStart(blanked, at, end)) continue
    const stop = memberUse(blanked, at, end, out)
    if (stop !== -1) resume = stop
  }
  return out
}

/** Whether `[at, end)` is a whole word of `text` that does not follow a `.` (the `(?<![\w$.])` of a search). */
function isWordStart(text: string, at: number, end: number): boolean {
  return (
    (at === 0 || !isWordChar(text.charCodeAt(at - 1))) &&
    text.charCodeAt(at - 1) !== 46 &&
    !isWordChar(text.charCodeAt(end))
  )
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
/**
 * Every lexical fact about `code` the validator checks, computed once per distinct text (bounded cache), so
 * re-validating a panel whose handlers did not change costs a lookup per handler.
 */
export function analyzeHandler(code: string): HandlerAnalysis {
  const cached = ANALYSES.lookup(code)
  if (cached) return cached.value
  const words: number[] = []
  const blanked = blankStringsAndComments(code, words)
  const analysis = analyzeWords(code, blanked, words)
  ANALYSES.set(code, analysis)
  return analysis
}

/** Where the last match of each search ended: a use starting before it was part of that match. */
interface Resume {
  state: number
  computed: number
  args: number
  ext: number
  emit: number
}

/**
 * A word of the code that a search over the blanked code could match: a `$` word (`$state`, `$args`, ...) or
 * one that may be a forbidden global, as `(?<![\w$.])` would see it (not after a `.`, not from a digit).
 */
function isCandidate(code: string, start: number, end: number, afterBlank: boolean): boolean {
  const c = code.charCodeAt(start)
  if (isDigit(c) || (!afterBlank && code.charCodeAt(start - 1) === 46) /* . */) return false
  return c === 36 /* $ */ || FORBIDDEN.mayHold(code, start, end)
}

/**
 * The facts of the candidate words (collected while blanking): forbidden globals and the `$state`,
 * `$computed`, `$args`, `$ext` and `$emit` uses, each as its own regular expression search over the blanked
 * code would find them (a search resuming after its last match).
 */
function analyzeWords(code: string, blanked: string, words: number[]): HandlerAnalysis {
  const analysis: HandlerAnalysis = {
    forbidden: [],
    state: [],
    computed: [],
    args: [],
    ext: [],
    emits: [],
    mentions: stateMentions(code),
    dynamicState: hasDynamicState(code),
  }
  const resume: Resume = { state: 0, computed: 0, args: 0, ext: 0, emit: 0 }
  for (let k = 0; k < words.length; k += 2) {
    const start = words[k]!
    const end = words[k + 1]!
    if (code.charCodeAt(start) === 36 /* $ */) dollarWord(code, blanked, start, end, analysis, resume)
    else forbiddenUse(blanked, start, end, analysis.forbidden as NamedUse[])
  }
  return analysis
}

function dollarWord(code: string, blanked: string, at: number, end: number, a: HandlerAnalysis, resume: Resume): void {
  const word = blanked.slice(at, end)
  let stop = -1
  switch (word) {
    case '$state':
      if (at >= resume.state && (stop = stateUse(code, blanked, at, end, a.state as HandlerUse[])) !== -1)
        resume.state = stop
      return
    case '$computed':
      if (at >= resume.computed && (stop = memberUse(blanked, at, end, a.computed as NamedUse[])) !== -1)
        resume.computed = stop
      return
    case '$args':
      if (at >= resume.args && (stop = memberUse(blanked, at, end, a.args as NamedUse[])) !== -1) resume.args = stop
      return
    case '$ext':
      if (at >= resume.ext && (stop = memberUse(blanked, at, end, a.ext as NamedUse[])) !== -1) resume.ext = stop
      return
    case '$emit':
      if (at >= resume.emit && (stop = emitUse(code, blanked, at, end, a.emits as NamedUse[])) !== -1)
        resume.emit = stop
      return
  }
}

/** After a `$state` word in the original code: a whole-object use or a computed key (`$state[k]`, `f($state)`). */
const DYNAMIC_STATE = /\s*(?:\[(?!\s*['"])|[^\s.[?]|$)/y

/** `$state` used as a whole or with a computed key anywhere in `code` (strings and comments included). */
function hasDynamicState(code: string): boolean {
  for (let at = code.indexOf('$state'); at !== -1; at = code.indexOf('$state', at + 1)) {
    DYNAMIC_STATE.lastIndex = at + 6
    if (DYNAMIC_STATE.test(code)) return true
  }
  return false
}

/** After `$state` in code or in an expression that does not parse: `.key`, `?.key` or `['key']`. */
const STATE_MENTION = /\s*(?:\??\.\s*([A-Za-z_$][\w$]*)|\[\s*(['"])([^'"]+)\2\s*\])/y

/** The state keys `text` mentions (`$state.key`, `$state['key']`), wherever they are written. */
export function stateMentions(text: string): string[] {
  const keys: string[] = []
  // Each `$state` as a search for `$state.key` meets it: one inside a match (`$state.$state`) is skipped.
  for (let at = text.indexOf('$state'); at !== -1;) {
    STATE_MENTION.lastIndex = at + 6
    const m = STATE_MENTION.exec(text)
    if (m) keys.push(m[1] ?? m[3]!)
    at = text.indexOf('$state', m ? STATE_MENTION.lastIndex : at + 1)
  }
  return keys
}

const SCOPE_USES = new Map<string, readonly NamedUse[]>()
const MAY_BLANK = /["'`/]/

/** `$scope.name` reads in an expression's source (strings and comments ignored), cached by text. */
export function scopeUses(source: string): readonly NamedUse[] {
  if (!source.includes('$scope')) return []
  let uses = SCOPE_USES.get(source)
  if (!uses) {
    // Without a quote, a backtick or a slash there is nothing to blank (most bindings).
    uses = memberUses('$scope', MAY_BLANK.test(source) ? blankStringsAndComments(source) : source)
    setBounded(SCOPE_USES, ANALYSIS_CACHE_LIMIT, source, uses)
  }
  return uses
}

/** After a `$emit` word: `(` and the quote of a literal name. */
const EMIT = /\s*\(\s*(['"`])/y

/** `$emit('name', …)` with a literal name at the `$emit` word `[at, end)`; the end of the match, or -1. */
function emitUse(code: string, blanked: string, at: number, end: number, out: NamedUse[]): number {
  EMIT.lastIndex = end
  const m = EMIT.exec(blanked)
  if (!m) return -1
  const open = EMIT.lastIndex
  const close = code.indexOf(m[1]!, open)
  if (close !== -1) out.push({ name: code.slice(open, close), at, length: close + 1 - at })
  return open
}

/** A forbidden global at the word `[start, end)`, unless it is an object key (`{ process: 1 }`). */
function forbiddenUse(blanked: string, start: number, end: number, out: NamedUse[]): void {
  const name = blanked.slice(start, end)
  if (!FORBIDDEN.set.has(name)) return
  const next = /^\s*(.)/.exec(blanked.slice(end))?.[1]
  if (next === ':' && /[{,]\s*$/.test(blanked.slice(0, start))) return
  out.push({ name, at: start, length: name.length })
}

/** `[\w$]`. */
function isWordChar(c: number): boolean {
  return isAsciiLetter(c) || isDigit(c) || c === 95 /* _ */ || c === 36 /* $ */
}

/** A set of names and a cheap pre-check (length and first character) run before a candidate is cut out. */
class NameFilter {
  private readonly first = new Set<number>()
  private readonly min: number
  private readonly max: number

  constructor(readonly set: ReadonlySet<string>) {
    const lengths = [...set].map((name) => name.length)
    this.min = Math.min(...lengths)
    this.max = Math.max(...lengths)
    for (const name of set) this.first.add(name.charCodeAt(0))
  }

  mayHold(text: string, start: number, end: number): boolean {
    const length = end - start
    return length >= this.min && length <= this.max && this.first.has(text.charCodeAt(start))
  }
}

const FORBIDDEN = new NameFilter(FORBIDDEN_GLOBALS)
