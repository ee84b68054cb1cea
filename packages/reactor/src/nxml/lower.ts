import type { ComputedDecl, StateDecl, ViewNode } from '@nexus/protocol'
import { setOwn } from '../expr/toJson.ts'
import type { ExtensionDecl, LifecycleDecl, NxmlPanelAst } from './ast.ts'
import { JsonDefault, zeroValue } from './defaults.ts'
import type { LowerContext } from './lowerContext.ts'
import { lowerHandler, lowerTool, missingHandler } from './lowerTool.ts'
import { lowerDefault, lowerType } from './lowerType.ts'
import { elementNameSpan, MALFORMED_NODES, type XmlElement, type XmlNode } from './xmlTree.ts'

/** Attributes each element allows. */
const PANEL_ATTRIBUTES: readonly string[] = ['title', 'version']
const NO_ATTRIBUTES: readonly string[] = []
const STATE_ATTRIBUTES: readonly string[] = ['name', 'type', 'default']
const COMPUTED_ATTRIBUTES: readonly string[] = ['name', 'value']
const EXTENSION_ATTRIBUTES: readonly string[] = ['name', 'alias']
const LIFECYCLE_ATTRIBUTES: readonly string[] = ['on']

const SECTIONS = ['Data', 'Logic', 'View'] as const

/** Turns the element tree into a panel AST; undefined when there is no `<NexusPanel>` root. */
export function lowerDocument(
  nodes: XmlNode[],
  ctx: LowerContext,
  trailing: readonly { text: string }[] = [],
): NxmlPanelAst | undefined {
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
  const ast = lowerPanel(root, ctx)
  if (trailing.length) ctx.queue(trailing.map((c) => c.text))
  ctx.anchor('end')
  if (ctx.comments.length) ast.comments = ctx.comments
  return ast
}

function lowerPanel(root: XmlElement, ctx: LowerContext): NxmlPanelAst {
  ctx.enter(root)
  ctx.checkAttributes(root, PANEL_ATTRIBUTES)
  const ast: NxmlPanelAst = {
    kind: 'NexusPanel',
    title: ctx.required(root, 'title') ?? '',
    version: ctx.optional(root, 'version') ?? '1.0.0',
    states: [],
    computeds: [],
    tools: [],
    view: [],
    span: root.span,
  }
  const seen: string[] = [] // at most the three section names
  for (const section of ctx.elements(root)) {
    ctx.enter(section)
    if (!(SECTIONS as readonly string[]).includes(section.name)) {
      ctx.unexpected(section, '<NexusPanel>', SECTIONS)
      continue
    }
    if (seen.includes(section.name))
      ctx.diagnostics.add(
        'DUPLICATE_ELEMENT',
        elementNameSpan(section),
        `<${section.name}> appears more than once; merge the two into one`,
      )
    seen.push(section.name)
    ctx.checkAttributes(section, NO_ATTRIBUTES)
    if (section.name === 'Data') lowerData(section, ast, ctx)
    else if (section.name === 'Logic') lowerLogic(section, ast, ctx)
    else lowerViewNodes(section, ctx, undefined, ast.view)
    ctx.leave(section)
  }
  ctx.leave(root)
  return ast
}

function lowerData(section: XmlElement, ast: NxmlPanelAst, ctx: LowerContext): void {
  for (const el of ctx.elements(section)) {
    ctx.enter(el)
    if (el.name === 'State') {
      ctx.anchor('states', ast.states.length)
      ast.states.push(lowerState(el, ctx))
    } else if (el.name === 'Computed') {
      ctx.anchor('computeds', ast.computeds.length)
      ast.computeds.push(lowerComputed(el, ctx))
    } else ctx.unexpected(el, '<Data>', ['State', 'Computed'])
    ctx.leave(el)
  }
}

function lowerLogic(section: XmlElement, ast: NxmlPanelAst, ctx: LowerContext): void {
  for (const el of ctx.elements(section)) {
    ctx.enter(el)
    if (el.name === 'Tool') {
      ctx.anchor('tools', ast.tools.length)
      ast.tools.push(lowerTool(el, ctx))
    } else if (el.name === 'Extension') {
      ast.extensions ??= []
      ctx.anchor('extensions', ast.extensions.length)
      ast.extensions.push(lowerExtension(el, ctx))
    } else if (el.name === 'Lifecycle') {
      ast.lifecycles ??= []
      ctx.anchor('lifecycles', ast.lifecycles.length)
      ast.lifecycles.push(lowerLifecycle(el, ctx))
    } else ctx.unexpected(el, '<Logic>', ['Tool', 'Extension', 'Lifecycle'])
    ctx.leave(el)
  }
}

function lowerState(el: XmlElement, ctx: LowerContext): StateDecl {
  ctx.checkAttributes(el, STATE_ATTRIBUTES)
  const name = ctx.required(el, 'name') ?? ''
  const type = lowerType(el, ctx)
  const value = lowerDefault(el, ctx, type, 'state', name)
  if (value instanceof JsonDefault) {
    const json = value // parsed when read: see `JsonDefault`
    return {
      kind: 'State',
      name,
      type,
      get default() {
        return json.value
      },
      set default(v) {
        json.value = v
      },
      span: el.span,
    }
  }
  return { kind: 'State', name, type, default: value ?? zeroValue(type), span: el.span }
}

function lowerComputed(el: XmlElement, ctx: LowerContext): ComputedDecl {
  ctx.checkAttributes(el, COMPUTED_ATTRIBUTES)
  return {
    kind: 'Computed',
    name: ctx.required(el, 'name') ?? '',
    value: ctx.required(el, 'value') ?? '',
    span: el.span,
  }
}

function lowerExtension(el: XmlElement, ctx: LowerContext): ExtensionDecl {
  ctx.checkAttributes(el, EXTENSION_ATTRIBUTES)
  const name = ctx.required(el, 'name') ?? ''
  // The alias defaults to the last segment of the name: `nexus.http` → `http`.
  const alias = ctx.optional(el, 'alias') ?? name.slice(name.lastIndexOf('.') + 1)
  return { kind: 'Extension', name, alias, span: el.span }
}

function lowerLifecycle(el: XmlElement, ctx: LowerContext): LifecycleDecl {
  ctx.checkAttributes(el, LIFECYCLE_ATTRIBUTES)
  const on = ctx.required(el, 'on') ?? ''
  // `event:<name>` runs when another panel of the workspace does `$emit('<name>', payload)`.
  if (on !== '' && on !== 'mount' && on !== 'unmount' && !/^event:[A-Za-z_][\w.-]*$/.test(on))
    ctx.diagnostics.add(
      'INVALID_ATTRIBUTE_VALUE',
      ctx.valueSpan(el, 'on'),
      `on="${on}" must be "mount", "unmount" or "event:<name>"`,
      on.startsWith('un') ? 'unmount' : 'mount',
    )
  let handler: LifecycleDecl['handler'] | undefined
  for (const child of ctx.elements(el)) {
    ctx.enter(child)
    if (child.name !== 'Handler') ctx.unexpected(child, '<Lifecycle>', ['Handler'])
    else if (handler)
      ctx.diagnostics.add('DUPLICATE_ELEMENT', elementNameSpan(child), 'A <Lifecycle> may have only one <Handler>')
    else handler = lowerHandler(child, ctx)
    ctx.leave(child)
  }
  if (!handler && !el.malformed)
    ctx.diagnostics.add('MISSING_HANDLER', elementNameSpan(el), `<Lifecycle on="${on}"> has no <Handler>`)
  return { kind: 'Lifecycle', on, handler: handler ?? missingHandler(el, ctx), span: el.span }
}

/** Appends the view nodes lowered from `parent`'s children to `nodes` (and returns it). */
function lowerViewNodes(
  parent: XmlElement,
  ctx: LowerContext,
  path: ViewPath | undefined,
  nodes: ViewNode[] = [],
): ViewNode[] {
  const elements = ctx.elements(parent)
  const first = nodes.length
  for (let i = 0; i < elements.length; i++) {
    const el = elements[i]!
    ctx.enter(el)
    const here: ViewPath = { parent: path, index: first + i }
    if (ctx.hasPending) ctx.anchor(viewPathText(here))
    const attrs: Record<string, string> = {}
    for (const a of el.attributes) {
      // `__proto__` must become an own key (and be reported), not set the prototype.
      if (a.name === '__proto__') setOwn(attrs, a.name, a.value)
      else attrs[a.name] = a.value
    }
    const node: ViewNode = {
      kind: 'Component',
      type: el.name,
      attrs,
      children: el.children.length === 0 ? [] : lowerViewNodes(el, ctx, here),
      span: el.span,
    }
    if (el.malformed) MALFORMED_NODES.add(node)
    ctx.leave(el)
    nodes.push(node)
  }
  return nodes
}

/** Where a view node is (`view/0/2`), kept as links and spelled out only to anchor a comment. */
interface ViewPath {
  parent: ViewPath | undefined
  index: number
}

function viewPathText(path: ViewPath | undefined): string {
  return path === undefined ? 'view' : `${viewPathText(path.parent)}/${path.index}`
}
