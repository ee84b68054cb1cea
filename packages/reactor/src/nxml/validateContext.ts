import type { PanelAst, Span } from '@nexus/protocol'
import type { ExprError } from '../expr/ast.ts'
import type { StatePath } from '../expr/collect.ts'
import { closestName, didYouMean } from '../util/suggest.ts'
import type { DiagnosticBag } from './diagnosticBag.ts'
import { stateMentions } from './handlerCode.ts'
import { locateAttributeValue, valueSubSpan } from './locate.ts'

/** Where an expression was written: an attribute of the element at `span`, and the attribute's value. */
export interface ExpressionSite {
  span: Span
  attribute: string
  value: string
  /** Where in `value` the expression starts (references are searched from there). */
  offset: number
  /** Path for messages, e.g. `view[0].children[1].value`. */
  path: string
}

/** What validation of one panel knows and collects as it walks. */
export class ValidateContext {
  readonly states: ReadonlySet<string>
  readonly computeds: ReadonlySet<string>
  readonly tools: ReadonlySet<string>
  /** State keys some expression or handler reads or writes. */
  readonly usedStates = new Set<string>()
  /** Tools some view attribute or handler triggers. */
  readonly usedTools = new Set<string>()
  /** Names already reported as invalid identifiers, so no other check repeats the complaint. */
  get invalidNames(): ReadonlySet<string> {
    return this.invalid ?? NO_NAMES
  }
  private invalid: Set<string> | undefined // most panels have none

  constructor(
    readonly ast: PanelAst,
    readonly source: string,
    readonly diagnostics: DiagnosticBag,
  ) {
    this.states = namesOf(ast.states)
    this.computeds = namesOf(ast.computeds)
    this.tools = namesOf(ast.tools)
  }

  /** Records a name already reported as an invalid identifier. */
  markInvalid(name: string): void {
    ;(this.invalid ??= new Set()).add(name)
  }

  /** The source span of characters `[from, to)` of the attribute value at `site`. */
  spanIn(site: ExpressionSite, from: number, to: number): Span {
    if (this.diagnostics.full) return site.span // the diagnostic is only counted: no search in the source
    const valueSpan = locateAttributeValue(this.source, site.span, site.attribute)
    if (!valueSpan) return site.span
    return valueSubSpan(this.source, valueSpan, site.value, from, to)
  }

  attributeSpan(span: Span, attribute: string): Span {
    if (this.diagnostics.full) return span
    return locateAttributeValue(this.source, span, attribute) ?? span
  }

  syntaxError(site: ExpressionSite, error: ExprError): void {
    const span = this.spanIn(site, error.span.start, error.span.end)
    this.diagnostics.add('EXPRESSION_SYNTAX', span, `At ${site.path}: ${error.message}`)
    this.markStateUse(site.value) // a broken expression still uses its state: no "unused" on top
  }

  /** Records `$state.key` / `$state['key']` mentions in text that is not (or not yet) parsed. */
  markStateUse(text: string): void {
    for (const key of stateMentions(text)) this.usedStates.add(key)
  }

  /** Checks that each `$state.x` / `$computed.x` names a declaration, and records state use. */
  checkPaths(site: ExpressionSite, paths: StatePath[]): void {
    for (const p of paths) {
      const key = p.path[0]
      if (key === undefined) {
        if (p.root === '$state') for (const s of this.states) this.usedStates.add(s)
        continue
      }
      if (p.root === '$state') this.usedStates.add(key)
      const known = p.root === '$state' ? this.states : this.computeds
      if (known.has(key)) continue
      const suggestion = closestName(key, known)
      const what = p.root === '$state' ? 'state' : 'computed'
      const at = site.value.indexOf(`${p.root}.${key}`, site.offset)
      const span =
        at === -1
          ? this.attributeSpan(site.span, site.attribute)
          : this.spanIn(site, at, at + p.root.length + 1 + key.length)
      this.diagnostics.add(
        p.root === '$state' ? 'UNDEFINED_STATE' : 'UNDEFINED_COMPUTED',
        span,
        `At ${site.path}: ${p.root}.${key} is not a declared ${what}${didYouMean(suggestion)}`,
        suggestion,
      )
    }
  }
}

const NO_NAMES: ReadonlySet<string> = new Set()

function namesOf(decls: readonly { name: string }[]): ReadonlySet<string> {
  if (decls.length === 0) return NO_NAMES
  const names = new Set<string>()
  for (const d of decls) names.add(d.name)
  return names
}
