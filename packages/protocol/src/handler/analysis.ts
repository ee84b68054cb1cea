import { blankHandlerCode, isWordChar } from './blank.ts'
import { CapabilityScan, capabilityName, type CapabilityUse } from './capabilities.ts'
import { FORBIDDEN_GLOBALS } from './globals.ts'

export interface HandlerUse {
  kind: 'read' | 'write'
  key: string
  /** Offset in the code. */
  at: number
  length: number
}

export interface NamedUse {
  name: string
  at: number
  length: number
}

/** Every lexical fact about one handler's code; a pure function of the text (`analyzeHandlerCode`). */
export interface HandlerAnalysis {
  /** Forbidden globals used (`FORBIDDEN_GLOBALS`), not as members or object keys. */
  forbidden: readonly NamedUse[]
  /** `$state.key` / `$state?.key` / `$state['key']` accesses, writes told apart (the validator's references). */
  state: readonly HandlerUse[]
  computed: readonly NamedUse[]
  args: readonly NamedUse[]
  ext: readonly NamedUse[]
  emits: readonly NamedUse[]
  /** `$state.key` / `$state['key']` mentioned anywhere in the text, strings and comments included. */
  mentions: readonly string[]
  /** `$state` used as a whole or with a computed key (`$state[k]`, `f($state)`): every state counts as used. */
  dynamicState: boolean
  /** The capabilities the handler needs, each with its first use: what the kernel grants when none are declared. */
  capabilities: readonly CapabilityUse[]
}

/**
 * The one analysis of handler code that the validator (references, forbidden globals, missing capabilities)
 * and the sandbox (inferred grants) both read: one blanking pass collects the words, then sticky patterns
 * run at each candidate word only.
 *
 * @example analyzeHandlerCode('$state.count += $args.step').capabilities.map(capabilityName)
 * // ['state:write:count', 'state:read:count']
 */
export function analyzeHandlerCode(code: string): HandlerAnalysis {
  const words: number[] = []
  const blanked = blankHandlerCode(code, words)
  const analysis = new Analysis(code, blanked, words)
  const resume: Resume = { state: 0, computed: 0, args: 0, ext: 0, emit: 0 }
  for (let k = 0; k < words.length; k += 2) {
    const start = words[k]!
    const end = words[k + 1]!
    if (start > 0 && blanked.charCodeAt(start - 1) === 46 /* . */) continue // a member, not a global
    if (code.charCodeAt(start) === 36 /* $ */) dollarWord(code, blanked, start, end, analysis, resume)
    else forbiddenUse(blanked, start, end, analysis.forbidden)
  }
  return analysis
}

/** The facts, with the capabilities worked out on first use (the validator needs them only under `<Capabilities>`). */
class Analysis implements HandlerAnalysis {
  readonly forbidden: NamedUse[] = []
  readonly state: HandlerUse[] = []
  readonly computed: NamedUse[] = []
  readonly args: NamedUse[] = []
  readonly ext: NamedUse[] = []
  readonly emits: NamedUse[] = []
  readonly mentions: readonly string[]
  readonly dynamicState: boolean
  private found: readonly CapabilityUse[] | undefined

  constructor(
    private readonly code: string,
    private blanked: string,
    private words: number[],
  ) {
    this.mentions = stateMentions(code)
    this.dynamicState = hasDynamicState(code)
  }

  get capabilities(): readonly CapabilityUse[] {
    if (this.found === undefined) {
      this.found = scanCapabilities(this.code, this.blanked, this.words)
      this.blanked = ''
      this.words = []
    }
    return this.found
  }
}

/** The capability uses of `code`, from its blanked copy and the words collected while blanking. */
function scanCapabilities(code: string, blanked: string, words: readonly number[]): CapabilityUse[] {
  const scan = new CapabilityScan(code, blanked)
  for (let k = 0; k < words.length; k += 2) {
    const start = words[k]!
    if (code.charCodeAt(start) !== 36 /* $ */ || (start > 0 && blanked.charCodeAt(start - 1) === 46)) continue
    scan.word(start, words[k + 1]!)
  }
  return scan.uses
}

/**
 * The capabilities `code` needs, as grant strings, sorted and unique: `state:write:<key>` for writes to a
 * top-level state key (assignment, compound assignment, `++`/`--`, `delete`, mutating array methods,
 * `Object.assign` target), `state:read:<key>` for other reads, `events:emit:<name>` for `$emit('<name>', …)`,
 * `ext:<alias>` for `$ext.<alias>.…`, `view:update` for `$view.…`, `panel:call:<id>` for
 * `$panel.call('<id>', …)` and `net:<host>` for `$ext.http.<method>('http(s)://<host>/…')` string literals
 * (the host canonical, see `canonicalHost`). Dynamic keys, names and URLs (template literals with `${}`
 * included) are not found; the sandbox's run-time check still denies them.
 *
 * @example inferCapabilities('$state.count += $args.step') // ['state:read:count', 'state:write:count']
 */
export function inferCapabilities(code: string): string[] {
  const words: number[] = []
  const blanked = blankHandlerCode(code, words)
  return scanCapabilities(code, blanked, words).map(capabilityName).sort()
}

/** Where the last match of each search ended: a use starting before it was part of that match. */
interface Resume {
  state: number
  computed: number
  args: number
  ext: number
  emit: number
}

function dollarWord(code: string, blanked: string, at: number, end: number, a: Analysis, resume: Resume): void {
  let stop = -1
  switch (dollarRoot(blanked, at, end)) {
    case '$state':
      if (at >= resume.state && (stop = stateUse(code, blanked, at, end, a.state)) !== -1) resume.state = stop
      return
    case '$computed':
      if (at >= resume.computed && (stop = memberUse(blanked, at, end, a.computed)) !== -1) resume.computed = stop
      return
    case '$args':
      if (at >= resume.args && (stop = memberUse(blanked, at, end, a.args)) !== -1) resume.args = stop
      return
    case '$ext':
      if (at >= resume.ext && (stop = memberUse(blanked, at, end, a.ext)) !== -1) resume.ext = stop
      return
    case '$emit':
      if (at >= resume.emit && (stop = emitUse(code, blanked, at, end, a.emits)) !== -1) resume.emit = stop
      return
  }
}

/** The root the `$` word `[at, end)` names, without cutting it out of `text`. */
function dollarRoot(text: string, at: number, end: number): string | undefined {
  switch (end - at) {
    case 6:
      return text.startsWith('$state', at) ? '$state' : undefined
    case 9:
      return text.startsWith('$computed', at) ? '$computed' : undefined
    case 5:
      return text.startsWith('$args', at) ? '$args' : text.startsWith('$emit', at) ? '$emit' : undefined
    case 4:
      return text.startsWith('$ext', at) ? '$ext' : undefined
    default:
      return undefined
  }
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
export function memberUses(root: string, blanked: string): NamedUse[] {
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
  if (!FORBIDDEN_GLOBALS.has(name)) return
  const next = /^\s*(.)/.exec(blanked.slice(end))?.[1]
  if (next === ':' && /[{,]\s*$/.test(blanked.slice(0, start))) return
  out.push({ name, at: start, length: name.length })
}
