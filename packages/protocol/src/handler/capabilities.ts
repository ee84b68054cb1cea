import { netGranted, urlHost } from '../netGrant.ts'
import { isJsSpace } from './blank.ts'

/**
 * One capability a handler needs, found statically, with its first use. The grant it needs is
 * `<type>:<scope>` (what the kernel makes of `<Capability type scope>` and the sandbox checks at run time).
 */
export interface CapabilityUse {
  type: 'state:read' | 'state:write' | 'events:emit' | 'ext' | 'view' | 'panel:call' | 'net'
  scope: string
  /** Offset of the first use in the code. */
  at: number
  length: number
}

/** `state:write:count`, `net:api.example.com`, `view:update`. */
export function capabilityName(use: Pick<CapabilityUse, 'type' | 'scope'>): string {
  return `${use.type}:${use.scope}`
}

const IDENT = '[A-Za-z_$][\\w$]*'
/** At a `$state` word: `.key` or `['key']`, then any deeper `.x` / `[…]` chain. */
const STATE_ACCESS = new RegExp(
  `\\$state\\s*(?:\\.\\s*(${IDENT})|\\[\\s*(['"\`])([^'"\`]*)\\2\\s*\\])((?:\\s*(?:\\.\\s*${IDENT}|\\[[^\\]]*\\]))*)`,
  'y',
)
const ASSIGN = /\s*(?:[-+*/%&|^]|\*\*|<<|>>>?|&&|\|\||\?\?)?=(?![=>])/y
const PLAIN_ASSIGN = /\s*=(?![=>])/y
const UPDATE_AFTER = /\s*(?:\+\+|--)/y
const MUTATING_METHOD = /\.\s*(?:push|pop|shift|unshift|splice|sort|reverse|fill|copyWithin)\s*$/
const EMIT = /\$emit\s*\(\s*(['"`])([^'"`$]*)\1/y
const EXT = new RegExp(`\\$ext\\s*\\.\\s*(${IDENT})\\s*\\.`, 'y')
const VIEW = /\$view\s*\./y
const PANEL_CALL = /\$panel\s*\.\s*call\s*\(\s*(['"`])([^'"`$]*)\1/y
const HTTP_CALL = new RegExp(`\\$ext\\s*\\.\\s*http\\s*\\.\\s*${IDENT}\\s*\\(\\s*(['"\`])([^'"\`$]*)\\1`, 'y')

/**
 * Collects the capabilities of one handler from its `$` words (in order), each pattern resuming after its
 * last match as a global regular expression search over the blanked code would.
 */
export class CapabilityScan {
  readonly uses: CapabilityUse[] = []
  private state = 0
  private emit = 0
  private ext = 0
  private http = 0
  private panel = 0
  private view = false

  constructor(
    private readonly code: string,
    private readonly blanked: string,
  ) {}

  /** The `$` word `[at, end)`, not after `.` or a word character. */
  word(at: number, end: number): void {
    const length = end - at
    const c = this.code.charCodeAt(at + 1)
    if (c === 115 /* s */ && length === 6 && at >= this.state) this.stateAccess(at)
    else if (c === 101 /* e */ && length === 5 && at >= this.emit) this.emitUse(at)
    else if (c === 101 && length === 4) {
      if (at >= this.ext) this.extUse(at)
      if (at >= this.http) this.httpUse(at)
    } else if (c === 118 /* v */ && length === 5 && !this.view) {
      VIEW.lastIndex = at
      if (VIEW.test(this.blanked)) {
        this.view = true
        this.add('view', 'update', at, VIEW.lastIndex - at)
      }
    } else if (c === 112 /* p */ && length === 6 && at >= this.panel) this.panelCall(at)
  }

  private stateAccess(at: number): void {
    const { code, blanked } = this
    STATE_ACCESS.lastIndex = at
    const m = STATE_ACCESS.exec(blanked)
    if (!m) return
    const end = STATE_ACCESS.lastIndex
    this.state = end
    const chain = m[4]!
    const key = m[2] === undefined ? m[1]! : literalText(code, blanked.indexOf(m[2], at), m[3]!)
    if (key === '') return
    // ASSIGN and UPDATE_AFTER both start with an operator character after the spaces.
    const next = blanked.charCodeAt(end + countSpaces(blanked, end))
    const operator = next < 128 && ASSIGN_START[next] === 1
    const write =
      (operator && (sticky(ASSIGN, blanked, end) || sticky(UPDATE_AFTER, blanked, end))) ||
      endsWithUpdate(blanked, at) ||
      MUTATING_METHOD.test(chain) ||
      endsWithObjectAssign(blanked, at)
    const plainAssign =
      chain === '' && ((next === 61 /* = */ && sticky(PLAIN_ASSIGN, blanked, end)) || endsWithDelete(blanked, at))
    const length = end - chain.length - at // `$state.key`, the chain left out
    if (write) this.add('state:write', key, at, length)
    if (!plainAssign) this.add('state:read', key, at, length)
  }

  private emitUse(at: number): void {
    EMIT.lastIndex = at
    const m = EMIT.exec(this.blanked)
    if (!m) return
    this.emit = EMIT.lastIndex
    const name = literalText(this.code, this.blanked.indexOf(m[1]!, at), m[2]!)
    if (name !== '') this.add('events:emit', name, at, EMIT.lastIndex - at)
  }

  private extUse(at: number): void {
    EXT.lastIndex = at
    const m = EXT.exec(this.blanked)
    if (!m) return
    this.ext = EXT.lastIndex
    let end = EXT.lastIndex - 1 // before the second `.`
    while (isJsSpace(this.blanked.charCodeAt(end - 1))) end--
    this.add('ext', m[1]!, at, end - at)
  }

  private httpUse(at: number): void {
    HTTP_CALL.lastIndex = at
    const m = HTTP_CALL.exec(this.blanked)
    if (!m) return
    const end = (this.http = HTTP_CALL.lastIndex)
    const text = m[2]!
    const host = urlHost(literalText(this.code, end - 1 - text.length - 1, text))
    if (host) this.add('net', host, at, end - at)
  }

  private panelCall(at: number): void {
    PANEL_CALL.lastIndex = at
    const m = PANEL_CALL.exec(this.blanked)
    if (!m) return
    this.panel = PANEL_CALL.lastIndex
    const id = literalText(this.code, this.blanked.indexOf(m[1]!, at), m[2]!)
    if (id !== '') this.add('panel:call', id, at, PANEL_CALL.lastIndex - at)
  }

  private add(type: CapabilityUse['type'], scope: string, at: number, length: number): void {
    for (const use of this.uses) if (use.type === type && use.scope === scope) return
    this.uses.push({ type, scope, at, length })
  }
}

/** The first characters of an assignment operator or `++`/`--`. */
const ASSIGN_START = new Uint8Array(128)
for (const c of '-+*/%&|^<>?=') ASSIGN_START[c.charCodeAt(0)] = 1

/** How many `\\s` characters start at `at`. */
function countSpaces(text: string, at: number): number {
  let k = at
  while (isJsSpace(text.charCodeAt(k))) k++
  return k - at
}

function sticky(re: RegExp, text: string, at: number): boolean {
  re.lastIndex = at
  return re.test(text)
}

/** The original text of a literal whose opening quote is at `quoteAt` (the blanked copy has it blanked). */
function literalText(code: string, quoteAt: number, blankedText: string): string {
  return code.slice(quoteAt + 1, quoteAt + 1 + blankedText.length)
}

/** The last non-space offset before `at`, or -1. */
function lastNonSpace(text: string, at: number): number {
  let k = at - 1
  while (k >= 0 && isJsSpace(text.charCodeAt(k))) k--
  return k
}

/** `\w` of a regular expression (no `$`). */
function isRegexWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95
}

/** `text.slice(0, at)` ends with `\bdelete\s*`. */
function endsWithDelete(text: string, at: number): boolean {
  const k = lastNonSpace(text, at)
  return k >= 5 && text.startsWith('delete', k - 5) && (k < 6 || !isRegexWordChar(text.charCodeAt(k - 6)))
}

/** `text.slice(0, at)` ends with `(?:\+\+|--|\bdelete)\s*`. */
function endsWithUpdate(text: string, at: number): boolean {
  const k = lastNonSpace(text, at)
  if (k < 1) return false
  const c = text.charCodeAt(k)
  if ((c === 43 || c === 45) /* + - */ && text.charCodeAt(k - 1) === c) return true
  return endsWithDelete(text, at)
}

/** `text.slice(0, at)` ends with `Object\s*\.\s*assign\s*\(\s*`. */
function endsWithObjectAssign(text: string, at: number): boolean {
  let k = lastNonSpace(text, at)
  if (k < 0 || text.charCodeAt(k) !== 40 /* ( */) return false
  k = lastNonSpace(text, k)
  if (k < 5 || !text.startsWith('assign', k - 5)) return false
  k = lastNonSpace(text, k - 5)
  if (k < 0 || text.charCodeAt(k) !== 46 /* . */) return false
  k = lastNonSpace(text, k)
  return k >= 5 && text.startsWith('Object', k - 5)
}

/**
 * Whether `granted` (`<type>:<scope>` strings, as the kernel hands them to the sandbox) covers `use`, as the
 * sandbox decides at run time: `<type>:<scope>` or `<type>:*`; a `state:write` grant also lets the key be
 * read; `view:update` or `view:*`; `net:*` or the host in any spelling (`netGranted`).
 */
export function capabilityGranted(granted: readonly string[], use: Pick<CapabilityUse, 'type' | 'scope'>): boolean {
  switch (use.type) {
    case 'net':
      return netGranted(granted, use.scope)
    case 'view':
      return granted.includes('view:update') || granted.includes('view:*')
    case 'state:read':
      return has(granted, 'state:read', use.scope) || has(granted, 'state:write', use.scope)
    default:
      return has(granted, use.type, use.scope)
  }
}

function has(granted: readonly string[], type: string, scope: string): boolean {
  return granted.includes(`${type}:${scope}`) || granted.includes(`${type}:*`)
}
