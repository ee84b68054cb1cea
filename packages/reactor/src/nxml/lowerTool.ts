import type { ArgDecl, CapabilityDecl, Handler, ToolDecl } from '@nexus/protocol'
import { JsonDefault } from './defaults.ts'
import { lowerDefault, lowerType } from './lowerType.ts'
import type { LowerContext } from './lowerContext.ts'
import { elementNameSpan, type XmlElement } from './xmlTree.ts'

/** Attributes each element allows. */
const TOOL_ATTRIBUTES: readonly string[] = ['name', 'description']
const ARG_ATTRIBUTES: readonly string[] = ['name', 'type', 'default', 'required']
const NO_ATTRIBUTES: readonly string[] = []
const CAPABILITY_ATTRIBUTES: readonly string[] = ['type', 'scope']

const TOOL_CHILDREN = ['Arg', 'Capabilities', 'Handler']

export function lowerTool(el: XmlElement, ctx: LowerContext): ToolDecl {
  ctx.checkAttributes(el, TOOL_ATTRIBUTES)
  const name = ctx.required(el, 'name') ?? ''
  const description = ctx.optional(el, 'description')
  const args: ArgDecl[] = []
  let capabilities: CapabilityDecl[] | undefined
  let handler: Handler | undefined
  for (const child of ctx.elements(el)) {
    ctx.enter(child)
    ctx.leave(child)
    if (child.name === 'Arg') args.push(lowerArg(child, ctx))
    else if (child.name === 'Capabilities') {
      if (capabilities) duplicate(child, ctx)
      capabilities = [...(capabilities ?? []), ...lowerCapabilities(child, ctx)]
    } else if (child.name === 'Handler') {
      if (handler) duplicate(child, ctx)
      else handler = lowerHandler(child, ctx)
    } else ctx.unexpected(child, '<Tool>', TOOL_CHILDREN)
  }
  if (!handler && !el.malformed)
    ctx.diagnostics.add(
      'MISSING_HANDLER',
      elementNameSpan(el),
      `Tool "${name}" has no <Handler>; add <Handler>...</Handler> with its code`,
    )
  const code = handler ?? missingHandler(el, ctx)
  // Literals, not spreads, for the optional keys (kept in the protocol type's order).
  if (description === undefined)
    return capabilities === undefined
      ? { kind: 'Tool', name, args, handler: code, span: el.span }
      : { kind: 'Tool', name, args, capabilities, handler: code, span: el.span }
  return capabilities === undefined
    ? { kind: 'Tool', name, description, args, handler: code, span: el.span }
    : { kind: 'Tool', name, description, args, capabilities, handler: code, span: el.span }
}

function duplicate(el: XmlElement, ctx: LowerContext): void {
  ctx.diagnostics.add('DUPLICATE_ELEMENT', elementNameSpan(el), `A <Tool> may have only one <${el.name}>`)
}

/** The empty handler that stands in for a missing `<Handler>` of `el` (a Tool or Lifecycle). */
export function missingHandler(el: XmlElement, ctx: LowerContext): Handler {
  return { kind: 'Handler', code: '', line: ctx.lines.line(el.span.start), span: el.span }
}

function lowerArg(el: XmlElement, ctx: LowerContext): ArgDecl {
  ctx.checkAttributes(el, ARG_ATTRIBUTES)
  const name = ctx.required(el, 'name') ?? ''
  const type = lowerType(el, ctx)
  const value = lowerDefault(el, ctx, type, 'argument', name)
  const required = lowerRequired(el, ctx)
  if (value instanceof JsonDefault) {
    const json = value // parsed when read: see `JsonDefault`
    return {
      kind: 'Arg',
      name,
      type,
      get default() {
        return json.value
      },
      set default(v) {
        json.value = v
      },
      required,
      span: el.span,
    }
  }
  // Two literals, not a spread: the key order stays that of the protocol type, without copying an object.
  return value === undefined
    ? { kind: 'Arg', name, type, required, span: el.span }
    : { kind: 'Arg', name, type, default: value, required, span: el.span }
}

function lowerRequired(el: XmlElement, ctx: LowerContext): boolean {
  const raw = ctx.optional(el, 'required')
  if (raw === undefined || raw === 'false') return false
  if (raw === 'true') return true
  ctx.diagnostics.add(
    'INVALID_ATTRIBUTE_VALUE',
    ctx.valueSpan(el, 'required'),
    `required="${raw}" must be "true" or "false"`,
  )
  return false
}

function lowerCapabilities(el: XmlElement, ctx: LowerContext): CapabilityDecl[] {
  ctx.checkAttributes(el, NO_ATTRIBUTES)
  const out: CapabilityDecl[] = []
  for (const child of ctx.elements(el)) {
    ctx.enter(child)
    if (child.name !== 'Capability') {
      ctx.unexpected(child, '<Capabilities>', ['Capability'])
      continue
    }
    ctx.checkAttributes(child, CAPABILITY_ATTRIBUTES)
    out.push({
      kind: 'Capability',
      type: ctx.required(child, 'type') ?? '',
      scope: ctx.optional(child, 'scope') ?? '*',
      span: child.span,
    })
  }
  return out
}

export function lowerHandler(el: XmlElement, ctx: LowerContext): Handler {
  ctx.checkAttributes(el, NO_ATTRIBUTES)
  const raw = el.raw ?? { text: '', start: el.span.end }
  return { kind: 'Handler', code: raw.text, line: ctx.lines.line(raw.start), span: el.span }
}
