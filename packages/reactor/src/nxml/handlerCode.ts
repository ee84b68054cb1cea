import { analyzeHandlerCode, blankHandlerCode, memberUses, type HandlerAnalysis, type NamedUse } from '@nexus/protocol'
import { setBounded, TextCache } from '../util/textCache.ts'

export { FORBIDDEN_GLOBALS, HANDLER_GLOBALS, stateMentions } from '@nexus/protocol'
export type { HandlerAnalysis, HandlerUse, NamedUse } from '@nexus/protocol'

// The analysis itself is `@nexus/protocol`'s (shared with the sandbox's inferred grants); the reactor keeps
// it cached by text, bounded.

const ANALYSIS_CACHE_LIMIT = 2000
const ANALYSES = new TextCache<HandlerAnalysis>(ANALYSIS_CACHE_LIMIT)

/** Forgets every handler analysis and `$scope` scan (see `clearNxmlCaches`). */
export function clearHandlerCaches(): void {
  ANALYSES.clear()
  SCOPE_USES = new Map() // a new map, not `clear()`: see `util/textCache.ts`
}

/**
 * Every lexical fact about `code` the validator checks (`analyzeHandlerCode`), computed once per distinct text
 * (bounded cache), so re-validating a panel whose handlers did not change costs a lookup per handler.
 */
export function analyzeHandler(code: string): HandlerAnalysis {
  const cached = ANALYSES.lookup(code)
  if (cached) return cached.value
  const analysis = analyzeHandlerCode(code)
  ANALYSES.set(code, analysis)
  return analysis
}

let SCOPE_USES = new Map<string, readonly NamedUse[]>()
const MAY_BLANK = /["'`/]/

/** `$scope.name` reads in an expression's source (strings and comments ignored), cached by text. */
export function scopeUses(source: string): readonly NamedUse[] {
  if (!source.includes('$scope')) return []
  let uses = SCOPE_USES.get(source)
  if (!uses) {
    // Without a quote, a backtick or a slash there is nothing to blank (most bindings). Expressions have no
    // regex literals: a `/` is division.
    uses = memberUses('$scope', MAY_BLANK.test(source) ? blankHandlerCode(source, undefined, false) : source)
    setBounded(SCOPE_USES, ANALYSIS_CACHE_LIMIT, source, uses)
  }
  return uses
}
