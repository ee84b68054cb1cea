import type { JsonObject, PanelAst } from '@nexus/protocol'
import { initialState, matchesType } from '@nexus/reactor'

export interface DroppedState {
  key: string
  reason: string
}

/**
 * The state a panel keeps across an NXML edit: every value whose key is still declared with a type it
 * fits; new or retyped keys start from their defaults. What could not be kept is reported, not hidden.
 */
export function migrateState(previous: JsonObject, ast: PanelAst): { state: JsonObject; dropped: DroppedState[] } {
  const state = initialState(ast)
  const dropped: DroppedState[] = []
  const declared = new Set(ast.states.map((s) => s.name))
  for (const decl of ast.states) {
    if (!(decl.name in previous)) continue
    const value = previous[decl.name]!
    if (matchesType(decl.type, value)) state[decl.name] = value
    else
      dropped.push({ key: decl.name, reason: `its value does not fit the new type ${decl.type}; reset to the default` })
  }
  for (const key of Object.keys(previous)) {
    if (!declared.has(key)) dropped.push({ key, reason: 'no longer declared' })
  }
  return { state, dropped }
}

/** Sets the `title` attribute of the root `<NexusPanel>` in place, keeping the rest of the source as written. */
export function retitle(nxml: string, title: string): string | undefined {
  const escaped = title.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')
  const root = /<NexusPanel\b[^>]*>/.exec(nxml)
  if (!root) return undefined
  const tag = root[0]
  const attr = /(\btitle\s*=\s*)("[^"]*"|'[^']*')/
  const next = attr.test(tag)
    ? tag.replace(attr, `$1"${escaped}"`)
    : tag.replace('<NexusPanel', `<NexusPanel title="${escaped}"`)
  return nxml.slice(0, root.index) + next + nxml.slice(root.index + tag.length)
}
