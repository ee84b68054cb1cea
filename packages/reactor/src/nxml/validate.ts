import type { ArgDecl, ComputedDecl, Diagnostic, PanelAst, Span, StateDecl } from '@nexus/protocol'
import type { StatePath } from '../expr/collect.ts'
import { parseExpression } from '../expr/parser.ts'
import { expressionPaths } from '../expr/recognize.ts'
import { setBounded } from '../util/textCache.ts'
import { isIdentifier } from '../util/chars.ts'
import { DiagnosticBag } from './diagnosticBag.ts'
import { matchesType } from './defaults.ts'
import { type ExpressionSite, ValidateContext } from './validateContext.ts'
import { validateHandlers } from './validateHandlers.ts'
import type { ExtensionDecl, LifecycleDecl, NxmlPanelAst } from './ast.ts'
import { validateView } from './validateView.ts'

/**
 * Semantic checks of a parsed panel: names, duplicates, defaults, references in expressions, known
 * components and attributes, triggers, unused state. `source` is the NXML the AST came from (for locations).
 */
export function validatePanel(ast: PanelAst, source: string): Diagnostic[] {
  const diagnostics = new DiagnosticBag(source)
  validateIntoBag(ast, source, diagnostics)
  return diagnostics.list()
}

/**
 * `validatePanel` adding to `diagnostics` (the parser's, so both share one bound). `lowered`: the AST comes
 * straight from lowering, whose every default already has its declared type (so none is read here: a JSON
 * default is parsed only when something reads it).
 */
export function validateIntoBag(ast: PanelAst, source: string, diagnostics: DiagnosticBag, lowered = false): void {
  const ctx = new ValidateContext(ast, source, diagnostics)
  checkDeclarations(ctx, lowered)
  checkComputeds(ctx)
  validateView(ast.view, ctx)
  validateHandlers(ctx)
  checkUnusedStates(ctx)
  checkUnusedTools(ctx)
}

function checkDeclarations(ctx: ValidateContext, lowered: boolean): void {
  const { ast } = ctx
  checkNames(ctx, ast.states, 'state', '')
  checkNames(ctx, ast.computeds, 'computed', '')
  checkNames(ctx, ast.tools, 'tool', '')
  for (const tool of ast.tools) checkNames(ctx, tool.args, 'argument', ` of tool "${tool.name}"`)
  const nx = ast as NxmlPanelAst
  checkAliases(ctx, nx.extensions ?? [])
  checkLifecycles(ctx, nx.lifecycles ?? [])
  if (lowered) return
  for (const decl of ast.states) checkDefault(ctx, decl)
  for (const tool of ast.tools) for (const arg of tool.args) checkDefault(ctx, arg)
}

/** Names must be identifiers and unique among their kind; an empty name was already reported as missing. */
function checkNames(
  ctx: ValidateContext,
  decls: readonly { name: string; span: Span }[],
  what: string,
  owner: string,
): void {
  const seen = decls.length > 1 ? new Set<string>() : undefined
  for (const decl of decls) {
    if (decl.name === '') continue
    if (!isIdentifier(decl.name)) {
      ctx.markInvalid(decl.name)
      ctx.diagnostics.add(
        'INVALID_IDENTIFIER',
        ctx.attributeSpan(decl.span, 'name'),
        `"${decl.name}" is not a valid ${what} name${owner}: use letters, digits and _, not starting with a digit`,
      )
    } else if (seen?.has(decl.name)) {
      ctx.diagnostics.add(
        'DUPLICATE_NAME',
        ctx.attributeSpan(decl.span, 'name'),
        `The ${what} "${decl.name}"${owner} is declared more than once`,
      )
    }
    seen?.add(decl.name)
  }
}

function checkAliases(ctx: ValidateContext, extensions: readonly ExtensionDecl[]): void {
  if (extensions.length === 0) return
  const seen = new Set<string>()
  for (const ext of extensions) {
    if (ext.alias === '') continue
    const attribute = Object.hasOwn(ext, 'alias') ? 'alias' : 'name'
    if (!isIdentifier(ext.alias))
      ctx.diagnostics.add(
        'INVALID_IDENTIFIER',
        ctx.attributeSpan(ext.span, attribute),
        `"${ext.alias}" is not a valid extension alias`,
      )
    else if (seen.has(ext.alias))
      ctx.diagnostics.add(
        'DUPLICATE_NAME',
        ctx.attributeSpan(ext.span, attribute),
        `The extension alias "${ext.alias}" is declared more than once; give each <Extension> its own alias`,
      )
    seen.add(ext.alias)
  }
}

function checkLifecycles(ctx: ValidateContext, lifecycles: readonly LifecycleDecl[]): void {
  if (lifecycles.length < 2) return
  const seen = new Set<string>()
  for (const life of lifecycles) {
    if (seen.has(life.on))
      ctx.diagnostics.add(
        'DUPLICATE_NAME',
        ctx.attributeSpan(life.span, 'on'),
        `There is already a <Lifecycle on="${life.on}">; merge the two handlers`,
      )
    seen.add(life.on)
  }
}

function checkUnusedTools(ctx: ValidateContext): void {
  const nx = ctx.ast as NxmlPanelAst
  let code: string[] | undefined // built only when some tool is not triggered by the view
  let reported: Set<string> | undefined // tools already reported (a tool declared twice is reported once)
  for (const tool of ctx.ast.tools) {
    if (tool.name === '' || ctx.usedTools.has(tool.name) || ctx.invalidNames.has(tool.name)) continue
    reported ??= new Set()
    if (reported.has(tool.name)) continue
    reported.add(tool.name)
    code ??= [...ctx.ast.tools.map((t) => t.handler.code), ...(nx.lifecycles ?? []).map((l) => l.handler.code)]
    const quoted = new RegExp(`['"\`]${tool.name}['"\`]`)
    if (code.some((c) => quoted.test(c))) continue // $panel.call(..., 'name') or similar
    ctx.diagnostics.add(
      'UNUSED_TOOL',
      ctx.attributeSpan(tool.span, 'name'),
      `The tool "${tool.name}" is never triggered by the view (it can still be called over the API or MCP)`,
    )
  }
}

function checkDefault(ctx: ValidateContext, decl: StateDecl | ArgDecl): void {
  if (decl.default === undefined || matchesType(decl.type, decl.default)) return
  const span = ctx.attributeSpan(decl.span, 'default')
  ctx.diagnostics.add(
    'INVALID_DEFAULT',
    span,
    `The default of "${decl.name}" is not a ${decl.type}: ${JSON.stringify(decl.default)}`,
  )
}

function checkComputeds(ctx: ValidateContext): void {
  if (ctx.ast.computeds.length === 0) return
  const deps = new Map<string, string[]>()
  const computeds = ctx.ast.computeds
  for (let i = 0; i < computeds.length; i++) {
    const c = computeds[i]!
    const site = new ComputedSite(c, i)
    const paths = computedPaths(c.value)
    if (!paths) {
      const parsed = parseExpression(c.value)
      if (parsed.ok) throw new Error(`The expression recognizer rejected ${JSON.stringify(c.value)}, which parses`)
      ctx.syntaxError(site, parsed.error)
      continue
    }
    ctx.checkPaths(site, paths)
    deps.set(c.name, computedDependencies(paths))
  }
  for (const cycle of findCycles(deps)) {
    const decl = ctx.ast.computeds.find((c) => c.name === cycle[0])
    const span = decl ? ctx.attributeSpan(decl.span, 'value') : { start: 0, end: 0 }
    ctx.diagnostics.add(
      'COMPUTED_CYCLE',
      span,
      `Computed values depend on each other in a cycle: ${[...cycle, cycle[0]].join(' → ')}`,
    )
  }
}

/** The paths each computed's text reads, read without an expression tree (see `expressionPaths`). */
let COMPUTED_PATHS = new Map<string, StatePath[]>()
const COMPUTED_PATHS_LIMIT = 5000

/** Forgets the paths of every computed (see `clearNxmlCaches`). */
export function clearComputedPaths(): void {
  COMPUTED_PATHS = new Map() // a new map, not `clear()`: see `util/textCache.ts`
}

/** The paths a computed's `value` reads; `undefined` when it does not parse. */
function computedPaths(value: string): StatePath[] | undefined {
  let paths = COMPUTED_PATHS.get(value)
  if (!paths) {
    paths = expressionPaths(value)
    if (paths) setBounded(COMPUTED_PATHS, COMPUTED_PATHS_LIMIT, value, paths)
  }
  return paths
}

/** A computed's `value` as an expression site, its path spelled out only if a message needs it. */
class ComputedSite implements ExpressionSite {
  readonly attribute = 'value'
  readonly offset = 0

  constructor(
    private readonly decl: ComputedDecl,
    private readonly index: number,
  ) {}

  get span(): Span {
    return this.decl.span
  }

  get value(): string {
    return this.decl.value
  }

  get path(): string {
    return `computeds[${this.index}] (${this.decl.name})`
  }
}

/** The computeds an expression reads (`$computed.x`), from its state paths. */
function computedDependencies(paths: readonly StatePath[]): string[] {
  const names: string[] = []
  for (const p of paths) if (p.root === '$computed' && p.path[0] !== undefined) names.push(p.path[0])
  return names
}

/** Each cycle once, starting from its first declared member. */
function findCycles(deps: ReadonlyMap<string, string[]>): string[][] {
  const cycles: string[][] = []
  const done = new Set<string>()
  for (const name of deps.keys()) visitCycles(deps, name, [], done, cycles)
  return cycles
}

function visitCycles(
  deps: ReadonlyMap<string, string[]>,
  name: string,
  stack: string[],
  done: Set<string>,
  cycles: string[][],
): void {
  const at = stack.indexOf(name)
  if (at !== -1) {
    cycles.push(stack.slice(at))
    return
  }
  if (done.has(name) || !deps.has(name)) return
  for (const next of deps.get(name)!) visitCycles(deps, next, [...stack, name], done, cycles)
  done.add(name)
}

/** Reports states nothing uses: the view, computeds and handlers (marked by `validateHandlers`) have run. */
function checkUnusedStates(ctx: ValidateContext): void {
  for (const state of ctx.ast.states) {
    if (ctx.usedStates.has(state.name) || ctx.invalidNames.has(state.name) || state.name === '') continue
    ctx.diagnostics.add(
      'UNUSED_STATE',
      ctx.attributeSpan(state.span, 'name'),
      `The state "${state.name}" is never read or written`,
    )
  }
}
