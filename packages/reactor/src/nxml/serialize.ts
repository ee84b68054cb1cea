import type { ArgDecl, CapabilityDecl, Handler, Json, StateDecl, ToolDecl, ViewNode } from '@nexus/protocol'
import type { NxmlComment, NxmlPanelAst } from './ast.ts'
import { escapeAttribute, SWALLOWED_ATTRIBUTE } from './entities.ts'

const INDENT = '  '
const INLINE_CAPABILITIES_WIDTH = 100

/**
 * Writes a panel as canonical NXML: two-space indentation, attributes double-quoted, empty sections
 * omitted, handler code verbatim (in CDATA only when it would otherwise end the element early).
 * `parseNxml(serializeNxml(ast)).ast` equals `ast` up to spans and handler lines.
 */
export function serializeNxml(ast: NxmlPanelAst): string {
  const comments = commentsByAnchor(ast.comments)
  const c = (path: string, indent: string): string[] =>
    (comments.get(path) ?? []).map((text) => `${indent}<!--${text}-->`)
  const lines = [
    `<NexusPanel${attrs([
      ['title', ast.title],
      ['version', ast.version],
    ])}>`,
  ]
  const i2 = INDENT.repeat(2)
  if (ast.states.length || ast.computeds.length) {
    lines.push(`${INDENT}<Data>`)
    ast.states.forEach((s, i) => lines.push(...c(`states/${i}`, i2), `${i2}<State${attrs(stateAttrs(s))} />`))
    ast.computeds.forEach((d, i) =>
      lines.push(
        ...c(`computeds/${i}`, i2),
        `${i2}<Computed${attrs([
          ['name', d.name],
          ['value', d.value],
        ])} />`,
      ),
    )
    lines.push(`${INDENT}</Data>`)
  }
  const extensions = ast.extensions ?? []
  const lifecycles = ast.lifecycles ?? []
  if (ast.tools.length || extensions.length || lifecycles.length) {
    lines.push(`${INDENT}<Logic>`)
    extensions.forEach((e, i) =>
      lines.push(
        ...c(`extensions/${i}`, i2),
        `${i2}<Extension${attrs([
          ['name', e.name],
          ['alias', e.alias],
        ])} />`,
      ),
    )
    ast.tools.forEach((tool, i) => lines.push(...c(`tools/${i}`, i2), ...toolLines(tool, i2)))
    lifecycles.forEach((l, i) =>
      lines.push(
        ...c(`lifecycles/${i}`, i2),
        `${i2}<Lifecycle${attrs([['on', l.on]])}>`,
        `${i2}${INDENT}${handlerText(l.handler)}`,
        `${i2}</Lifecycle>`,
      ),
    )
    lines.push(`${INDENT}</Logic>`)
  }
  if (ast.view.length) {
    lines.push(`${INDENT}<View>`)
    ast.view.forEach((node, i) => lines.push(...viewLines(node, i2, `view/${i}`, c)))
    lines.push(`${INDENT}</View>`)
  }
  lines.push(...c('end', INDENT), '</NexusPanel>')
  return lines.join('\n') + '\n'
}

function commentsByAnchor(comments: readonly NxmlComment[] | undefined): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (const comment of comments ?? []) {
    const list = map.get(comment.before) ?? []
    list.push(comment.text.replace(/-->/g, '--&gt;'))
    map.set(comment.before, list)
  }
  return map
}

function attrs(pairs: [string, string | undefined][]): string {
  return pairs
    .filter((p): p is [string, string] => p[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escapeValue(value)}"`)
    .join('')
}

function escapeValue(value: string): string {
  // A value ending like ` name=` would be read back as a missing closing quote: escape that `=`.
  return escapeAttribute(value).replace(SWALLOWED_ATTRIBUTE, '$1&#61;$2')
}

function stateAttrs(s: StateDecl): [string, string | undefined][] {
  return [
    ['name', s.name],
    ['type', s.type],
    ['default', formatDefault(s.default)],
  ]
}

/** Numbers, booleans and strings as written; lists and objects as JSON. */
function formatDefault(value: Json | undefined): string | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'string') return value
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value)
  return JSON.stringify(value)
}

function toolLines(tool: ToolDecl, indent: string): string[] {
  const inner = indent + INDENT
  const lines = [
    `${indent}<Tool${attrs([
      ['name', tool.name],
      ['description', tool.description],
    ])}>`,
  ]
  for (const arg of tool.args) lines.push(`${inner}<Arg${attrs(argAttrs(arg))} />`)
  if (tool.capabilities) lines.push(...capabilityLines(tool.capabilities, inner))
  lines.push(`${inner}${handlerText(tool.handler)}`)
  lines.push(`${indent}</Tool>`)
  return lines
}

function argAttrs(arg: ArgDecl): [string, string | undefined][] {
  return [
    ['name', arg.name],
    ['type', arg.type],
    ['default', formatDefault(arg.default)],
    ['required', arg.required ? 'true' : undefined],
  ]
}

function capabilityLines(caps: readonly CapabilityDecl[], indent: string): string[] {
  if (caps.length === 0) return [`${indent}<Capabilities />`]
  const items = caps.map(
    (c) =>
      `<Capability${attrs([
        ['type', c.type],
        ['scope', c.scope],
      ])} />`,
  )
  const inline = `${indent}<Capabilities>${items.join('')}</Capabilities>`
  if (inline.length <= INLINE_CAPABILITIES_WIDTH) return [inline]
  return [`${indent}<Capabilities>`, ...items.map((i) => indent + INDENT + i), `${indent}</Capabilities>`]
}

/** Raw code unless it contains what would end the raw text early; then CDATA, splitting any `]]>`. */
function handlerText(handler: Handler): string {
  const code = handler.code
  if (!code.includes('</Handler') && !code.includes('<![CDATA[')) return `<Handler>${code}</Handler>`
  return `<Handler><![CDATA[${code.replace(/]]>/g, ']]]]><![CDATA[>')}]]></Handler>`
}

function viewLines(
  node: ViewNode,
  indent: string,
  path: string,
  comments: (path: string, indent: string) => string[],
): string[] {
  const open = `${indent}<${node.type}${attrs(Object.entries(node.attrs))}`
  const before = comments(path, indent)
  if (node.children.length === 0) return [...before, `${open} />`]
  return [
    ...before,
    `${open}>`,
    ...node.children.flatMap((c, i) => viewLines(c, indent + INDENT, `${path}/${i}`, comments)),
    `${indent}</${node.type}>`,
  ]
}
