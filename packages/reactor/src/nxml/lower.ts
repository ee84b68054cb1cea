import type { ComputedDecl, PanelAst, StateDecl, ViewNode } from '@nexus/protocol'
import { parseDefault, zeroValue } from './defaults.ts'
import type { LowerContext } from './lowerContext.ts'
import { lowerTool } from './lowerTool.ts'
import { lowerType } from './lowerType.ts'
import type { XmlElement, XmlNode } from './xmlTree.ts'

const SECTIONS = ['Data', 'Logic', 'View'] as const
/** Parts of NXML that parse but have no AST yet; kept out of the AST with an info diagnostic. */
const UNSUPPORTED_LOGIC = ['Extension', 'Lifecycle']

/** Turns the element tree into a `PanelAst`; undefined when there is no `<NexusPanel>` root. */
export function lowerDocument(nodes: XmlNode[], ctx: LowerContext): PanelAst | undefined {
  const elements = ctx.elements(nodes)
  const root = elements.find((e) => e.name === 'NexusPanel')
  for (const el of elements) {
    if (el !== root) ctx.unexpected(el, 'the document', ['NexusPanel'])
  }
  if (!root) {
    ctx.diagnostics.add(
      'MISSING_ROOT',
      { start: 0, end: 0 },
      'An NXML file must have a <NexusPanel title="..."> root element',
    )
    return undefined
  }
  return lowerPanel(root, ctx)
}

function lowerPanel(root: XmlElement, ctx: LowerContext): PanelAst {
  ctx.checkAttributes(root, ['title', 'version'])
  const ast: PanelAst = {
    kind: 'NexusPanel',
    title: ctx.required(root, 'title') ?? '',
    version: ctx.optional(root, 'version') ?? '1.0.0',
    states: [],
    computeds: [],
    tools: [],
    view: [],
    span: root.span,
  }
  const seen = new Set<string>()
  for (const section of ctx.elements(root)) {
    if (!(SECTIONS as readonly string[]).includes(section.name)) {
      ctx.unexpected(section, '<NexusPanel>', SECTIONS)
      continue
    }
    if (seen.has(section.name))
      ctx.diagnostics.add(
        'DUPLICATE_ELEMENT',
        section.nameSpan,
        `<${section.name}> appears more than once; merge the two into one`,
      )
    seen.add(section.name)
    ctx.checkAttributes(section, [])
    if (section.name === 'Data') lowerData(section, ast, ctx)
    else if (section.name === 'Logic') lowerLogic(section, ast, ctx)
    else ast.view.push(...lowerViewNodes(section, ctx))
  }
  return ast
}

function lowerData(section: XmlElement, ast: PanelAst, ctx: LowerContext): void {
  for (const el of ctx.elements(section)) {
    if (el.name === 'State') ast.states.push(lowerState(el, ctx))
    else if (el.name === 'Computed') ast.computeds.push(lowerComputed(el, ctx))
    else ctx.unexpected(el, '<Data>', ['State', 'Computed'])
  }
}

function lowerLogic(section: XmlElement, ast: PanelAst, ctx: LowerContext): void {
  for (const el of ctx.elements(section)) {
    if (el.name === 'Tool') ast.tools.push(lowerTool(el, ctx))
    else if (UNSUPPORTED_LOGIC.includes(el.name)) {
      ctx.diagnostics.add('UNSUPPORTED_ELEMENT', el.nameSpan, `<${el.name}> is not supported yet and is ignored`)
    } else ctx.unexpected(el, '<Logic>', ['Tool', ...UNSUPPORTED_LOGIC])
  }
}

function lowerState(el: XmlElement, ctx: LowerContext): StateDecl {
  ctx.checkAttributes(el, ['name', 'type', 'default'])
  const name = ctx.required(el, 'name') ?? ''
  const type = lowerType(el, ctx)
  const raw = ctx.optional(el, 'default')
  let value = zeroValue(type)
  if (raw !== undefined) {
    const parsed = parseDefault(type, raw)
    if (parsed.ok) value = parsed.value
    else
      ctx.diagnostics.add(
        'INVALID_DEFAULT',
        ctx.valueSpan(el, 'default'),
        `Invalid default for ${type} state "${name}": ${parsed.message}`,
      )
  }
  return { kind: 'State', name, type, default: value, span: el.span }
}

function lowerComputed(el: XmlElement, ctx: LowerContext): ComputedDecl {
  ctx.checkAttributes(el, ['name', 'value'])
  return {
    kind: 'Computed',
    name: ctx.required(el, 'name') ?? '',
    value: ctx.required(el, 'value') ?? '',
    span: el.span,
  }
}

function lowerViewNodes(parent: XmlElement, ctx: LowerContext): ViewNode[] {
  return ctx.elements(parent).map((el) => {
    const attrs: Record<string, string> = {}
    for (const a of el.attributes)
      Object.defineProperty(attrs, a.name, { value: a.value, enumerable: true, writable: true, configurable: true })
    return { kind: 'Component', type: el.name, attrs, children: lowerViewNodes(el, ctx), span: el.span }
  })
}
