import {
  capabilityGranted,
  type CapabilityDecl,
  type CapabilityUse,
  type Handler,
  type Span,
  type ToolDecl,
} from '@nexus/protocol'
import { isBlank } from '../util/chars.ts'
import { closestName, didYouMean } from '../util/suggest.ts'
import type { LifecycleDecl, NxmlPanelAst } from './ast.ts'
import { analyzeHandler, type NamedUse } from './handlerCode.ts'
import type { ValidateContext } from './validateContext.ts'

/** Where `handler.code` starts in the source (after `<Handler>` and an opening CDATA), or undefined. */
function codeStart(source: string, handler: Handler): number | undefined {
  const gt = source.indexOf('>', handler.span.start)
  if (gt === -1) return undefined
  let at = gt + 1
  if (source.startsWith('<![CDATA[', at)) at += 9
  return source.startsWith(handler.code, at) ? at : undefined
}

const NONE: ReadonlySet<string> = new Set()
const EVENT_ARGS: ReadonlySet<string> = new Set(['event', 'payload', 'from'])

/** Static checks of handler code: references, forbidden globals, capabilities against detected effects. */
export function validateHandlers(ctx: ValidateContext): void {
  const ast = ctx.ast as NxmlPanelAst
  const aliases = ast.extensions?.length ? new Set(ast.extensions.map((e) => e.alias)) : NONE
  for (const tool of ast.tools) checkHandler(ctx, tool.handler, new ToolHandler(tool, aliases))
  for (const life of ast.lifecycles ?? []) checkHandler(ctx, life.handler, new LifecycleHandler(life, aliases))
}

/** What a handler's checks need to know of its owner: names and messages are worked out only when used. */
interface HandlerContext {
  /** `tool "save"` or `<Lifecycle on="mount">`, for messages. */
  readonly owner: string
  /** The `$args` the handler receives. */
  readonly args: ReadonlySet<string>
  /** Undefined when none are declared (the kernel infers them). */
  readonly capabilities: readonly CapabilityDecl[] | undefined
  readonly aliases: ReadonlySet<string>
}

class ToolHandler implements HandlerContext {
  private argNames: ReadonlySet<string> | undefined

  constructor(
    private readonly tool: ToolDecl,
    readonly aliases: ReadonlySet<string>,
  ) {}

  get owner(): string {
    return `tool "${this.tool.name}"`
  }

  get args(): ReadonlySet<string> {
    const args = this.tool.args
    return (this.argNames ??= args.length ? new Set(args.map((a) => a.name)) : NONE)
  }

  get capabilities(): readonly CapabilityDecl[] | undefined {
    return this.tool.capabilities
  }
}

class LifecycleHandler implements HandlerContext {
  readonly capabilities = undefined

  constructor(
    private readonly life: LifecycleDecl,
    readonly aliases: ReadonlySet<string>,
  ) {}

  get owner(): string {
    return `<Lifecycle on="${this.life.on}">`
  }

  /** An event handler receives the event: `$args.event`, `$args.payload`, `$args.from` (the emitting panel). */
  get args(): ReadonlySet<string> {
    return this.life.on.startsWith('event:') ? EVENT_ARGS : NONE
  }
}

function checkHandler(ctx: ValidateContext, handler: Handler, hc: HandlerContext): void {
  const code = handler.code
  if (isBlank(code)) return
  const at = new CodeSpans(handler, ctx.source)
  const analysis = analyzeHandler(code)
  // What the handler reads or writes of $state counts as a use (for UNUSED_STATE).
  for (const key of analysis.mentions) ctx.usedStates.add(key)
  if (analysis.dynamicState) for (const s of ctx.states) ctx.usedStates.add(s) // dynamic or whole-object use

  for (const use of analysis.forbidden) {
    ctx.diagnostics.add(
      'FORBIDDEN_GLOBAL',
      at.of(use.at, use.length),
      `In ${hc.owner}: "${use.name}" is not available in a handler; use $state, $args, $computed, $emit, $log, $view, $ext or $panel`,
    )
  }
  for (const use of analysis.state) {
    if (ctx.states.has(use.key) || ctx.invalidNames.has(use.key)) continue
    const suggestion = closestName(use.key, ctx.states)
    ctx.diagnostics.add(
      'UNDEFINED_STATE',
      at.of(use.at, use.length),
      `In ${hc.owner}: $state.${use.key} is not a declared state${didYouMean(suggestion)}`,
      suggestion,
    )
  }
  reportUnknownMembers(
    ctx,
    at,
    analysis.computed,
    ctx.computeds,
    'UNDEFINED_COMPUTED',
    (name, hint) => `In ${hc.owner}: $computed.${name} is not a declared computed${hint}`,
  )
  reportUnknownMembers(
    ctx,
    at,
    analysis.args,
    analysis.args.length ? hc.args : NONE,
    'UNDEFINED_ARG',
    (name, hint) => `In ${hc.owner}: $args.${name} is not an <Arg> of this tool${hint}`,
  )
  const extensions = analysis.ext
  for (const use of extensions) {
    if (hc.aliases.has(use.name)) continue
    const suggestion = closestName(use.name, hc.aliases)
    ctx.diagnostics.add(
      'UNDEFINED_EXTENSION',
      at.of(use.at, use.length),
      `In ${hc.owner}: no extension has the alias "${use.name}"${didYouMean(suggestion)}; declare <Extension name="..." alias="${use.name}" /> in <Logic>`,
      suggestion,
    )
  }
  if (hc.capabilities === undefined || analysis.capabilities.length === 0) return // none declared: inferred
  // Exactly what the sandbox will deny: the capabilities the shared analysis infers (the grants the kernel
  // would infer) that the declared ones, as the kernel hands them to the sandbox, do not cover.
  const granted = hc.capabilities.map((c) => `${c.type}:${c.scope}`)
  for (const use of analysis.capabilities) {
    if (capabilityGranted(granted, use)) continue
    const fix = `<Capability type="${use.type}" scope="${use.scope}" />`
    ctx.diagnostics.add(
      'MISSING_CAPABILITY',
      at.of(use.at, use.length),
      `In ${hc.owner}: ${effect(use)} needs ${fix} in <Capabilities>`,
      fix,
    )
  }
}

/** What a capability use does, for messages. */
function effect(use: CapabilityUse): string {
  switch (use.type) {
    case 'state:write':
      return `writing $state.${use.scope}`
    case 'state:read':
      return `reading $state.${use.scope}`
    case 'events:emit':
      return `$emit('${use.scope}')`
    case 'ext':
      return `$ext.${use.scope}`
    case 'view':
      return '$view'
    case 'panel:call':
      return `$panel.call('${use.scope}')`
    case 'net':
      return `$ext.http for host ${use.scope}`
  }
}

/**
 * Source spans of offsets in a handler's code (the whole handler when the code could not be located). The
 * code is located on the first diagnostic: most handlers have none.
 */
class CodeSpans {
  private located = false
  private start: number | undefined

  constructor(
    private readonly handler: Handler,
    private readonly source: string,
  ) {}

  of(offset: number, length: number): Span {
    if (!this.located) {
      this.start = codeStart(this.source, this.handler)
      this.located = true
    }
    const start = this.start
    return start === undefined ? this.handler.span : { start: start + offset, end: start + offset + length }
  }
}

/** Reports each `<root>.<name>` in a handler whose name is not among `known`, with a did-you-mean. */
function reportUnknownMembers(
  ctx: ValidateContext,
  at: CodeSpans,
  uses: readonly NamedUse[],
  known: ReadonlySet<string>,
  key: 'UNDEFINED_COMPUTED' | 'UNDEFINED_ARG',
  message: (name: string, hint: string) => string,
): void {
  for (const use of uses) {
    if (known.has(use.name)) continue
    const suggestion = closestName(use.name, known)
    ctx.diagnostics.add(key, at.of(use.at, use.length), message(use.name, didYouMean(suggestion)), suggestion)
  }
}
