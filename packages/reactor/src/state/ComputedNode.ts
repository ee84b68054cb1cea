import type { ComputedDecl, Json } from '@nexus/protocol'
import type { Expr } from '../expr/ast.ts'
import { collectStatePaths } from '../expr/collect.ts'
import { parseExpression } from '../expr/parser.ts'

export type ComputedResult =
  { ok: true; value: Json | undefined } | { ok: false; error: { code: ComputedErrorCode; message: string } }
export type ComputedErrorCode = 'COMPUTED_CYCLE' | 'COMPUTED_ERROR' | 'UNKNOWN_COMPUTED'

/** One lazy computed: its parsed expression, what it reads, and its cached result. */
export class ComputedNode {
  readonly name: string
  readonly parsed: { ok: true; expr: Expr } | { ok: false; message: string }
  /** State keys read directly; `'*'` when it reads `$state` as a whole or with a dynamic key. */
  readonly stateKeys: readonly string[] | '*'
  readonly computedNames: readonly string[]
  /** The dependency stamp the cached result was computed at. */
  stamp: string | undefined
  result: ComputedResult = { ok: true, value: undefined }
  evaluating = false

  constructor(readonly decl: ComputedDecl) {
    this.name = `computed:${decl.name}`
    const parsed = parseExpression(decl.value)
    this.parsed = parsed.ok ? { ok: true, expr: parsed.value } : { ok: false, message: parsed.error.message }
    const paths = parsed.ok ? collectStatePaths(parsed.value) : []
    const state = paths.filter((p) => p.root === '$state')
    this.stateKeys = state.some((p) => p.path.length === 0) ? '*' : [...new Set(state.map((p) => p.path[0]!))]
    this.computedNames = [
      ...new Set(paths.filter((p) => p.root === '$computed' && p.path[0] !== undefined).map((p) => p.path[0]!)),
    ]
  }
}
