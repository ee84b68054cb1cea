import type { Diagnostic, JsonObject, PanelAst } from '@nexus/protocol'
import type { NxmlPanelAst } from './ast.ts'
import { setOwn } from '../expr/toJson.ts'
import { parseIntoBag } from './parseNxml.ts'
import { clearComputedPaths, validateIntoBag } from './validate.ts'
import { clearBindingCache } from '../expr/binding.ts'
import { clearExpressionCache } from '../expr/parser.ts'
import { clearHandlerCaches } from './handlerCode.ts'
import { clearDefaultCache } from './defaults.ts'
import { clearViewFacts } from './validateView.ts'

export interface CompileResult {
  /** No error-severity diagnostics (warnings and infos allowed). */
  ok: boolean
  ast?: NxmlPanelAst
  diagnostics: Diagnostic[]
}

/**
 * Parses and validates NXML. `ast` is present whenever a `<NexusPanel>` root was found, even when `ok` is
 * false, so editors can still show structure.
 */
export function compileNxml(source: string): CompileResult {
  const { ast, diagnostics: bag } = parseIntoBag(source)
  if (!ast) return { ok: false, diagnostics: bag.list() }
  validateIntoBag(ast, source, bag, true)
  const diagnostics = bag.list()
  return { ok: !diagnostics.some((d) => d.severity === 'error'), ast, diagnostics }
}

/**
 * Empties the bounded caches `compileNxml` keeps by text (parsed expressions, bindings and structured defaults, handler analyses),
 * e.g. to measure cold compiles or to release memory after compiling many unrelated panels, and the
 * validator's facts kept by the same texts.
 */
export function clearNxmlCaches(): void {
  clearExpressionCache()
  clearBindingCache()
  clearHandlerCaches()
  clearDefaultCache()
  clearViewFacts()
  clearComputedPaths()
}

/** Each state's default, by name: the state a new panel starts with. */
export function initialState(ast: PanelAst): JsonObject {
  const state: JsonObject = {}
  for (const s of ast.states) setOwn(state, s.name, structuredClone(s.default))
  return state
}
