import type { JsonObject, PanelAst } from '@nexus/protocol'
import type { EntityCategory, RelationshipType } from './types.ts'

/** An entity the panel's NXML implies; ids are stable so a re-sync updates instead of replacing. */
export interface DerivedEntity {
  id: string
  name: string
  category: EntityCategory
  description: string
  properties: JsonObject
}

export interface DerivedRelationship {
  id: string
  fromId: string
  toId: string
  type: RelationshipType
}

export interface DerivedGraph {
  entities: DerivedEntity[]
  relationships: DerivedRelationship[]
}

export function panelEntityId(panelId: string): string {
  return `panel:${panelId}`
}

/** Writes: `$state.x = …`, `$state.x += …`, `$state.x++`, `++$state.x` (not `==`). */
const WRITE =
  /\$state\.([A-Za-z_$][\w$]*)\s*(?:[-+*/%&|^]|\*\*|<<|>>>?|&&|\|\||\?\?)?=(?!=)|\$state\.([A-Za-z_$][\w$]*)\s*(?:\+\+|--)|(?:\+\+|--)\s*\$state\.([A-Za-z_$][\w$]*)/g
const ACCESS = /\$state\.([A-Za-z_$][\w$]*)/g
const COMPUTED = /\$computed\.([A-Za-z_$][\w$]*)/g

/** State names a handler writes and reads; a compound write (`+=`, `++`) is both. A plain `=` is a write only. */
export function scanStateAccess(code: string): { writes: Set<string>; reads: Set<string> } {
  const writes = new Set<string>()
  const plainWrites = new Map<number, string>()
  for (const m of code.matchAll(WRITE)) {
    const name = m[1] ?? m[2] ?? m[3]!
    writes.add(name)
    // A plain `=` writes without reading; remember where, so that occurrence is not counted as a read.
    if (m[1] && /^\$state\.[\w$]+\s*=$/.test(m[0])) plainWrites.set(m.index, name)
  }
  const reads = new Set<string>()
  for (const m of code.matchAll(ACCESS)) {
    if (!plainWrites.has(m.index)) reads.add(m[1]!)
  }
  return { writes, reads }
}

/**
 * The entities and relationships a panel's NXML implies: the panel (`component`) contains its states and
 * computeds (`data`) and tools (`action`); a tool produces the states it writes and consumes those it reads;
 * a computed depends on the states and computeds it mentions. Pure: the same input gives the same output.
 */
export function deriveFromPanel(panelId: string, panelTitle: string, ast: PanelAst): DerivedGraph {
  const panel = panelEntityId(panelId)
  const stateId = (name: string) => `${panel}:state:${name}`
  const computedId = (name: string) => `${panel}:computed:${name}`
  const entities: DerivedEntity[] = [
    {
      id: panel,
      name: panelTitle,
      category: 'component',
      description: '',
      properties: { kind: 'panel', panelId, nxmlVersion: ast.version },
    },
  ]
  const relationships = new Map<string, DerivedRelationship>()
  const relate = (fromId: string, type: RelationshipType, toId: string) => {
    const id = `${fromId}>${type}>${toId}`
    relationships.set(id, { id, fromId, toId, type })
  }
  const states = new Set(ast.states.map((s) => s.name))
  const computeds = new Set(ast.computeds.map((c) => c.name))

  for (const state of ast.states) {
    entities.push({
      id: stateId(state.name),
      name: state.name,
      category: 'data',
      description: '',
      properties: { kind: 'state', type: state.type, default: state.default },
    })
    relate(panel, 'contains', stateId(state.name))
  }
  for (const computed of ast.computeds) {
    const id = computedId(computed.name)
    entities.push({
      id,
      name: computed.name,
      category: 'data',
      description: '',
      properties: { kind: 'computed', expression: computed.value },
    })
    relate(panel, 'contains', id)
    for (const m of computed.value.matchAll(ACCESS)) if (states.has(m[1]!)) relate(id, 'depends_on', stateId(m[1]!))
    for (const m of computed.value.matchAll(COMPUTED)) {
      if (computeds.has(m[1]!) && m[1] !== computed.name) relate(id, 'depends_on', computedId(m[1]!))
    }
  }
  for (const tool of ast.tools) {
    const id = `${panel}:tool:${tool.name}`
    entities.push({
      id,
      name: tool.name,
      category: 'action',
      description: tool.description ?? '',
      properties: { kind: 'tool', args: tool.args.map((a) => a.name) },
    })
    relate(panel, 'contains', id)
    const { writes, reads } = scanStateAccess(tool.handler.code)
    for (const name of [...writes].sort()) if (states.has(name)) relate(id, 'produces', stateId(name))
    for (const name of [...reads].sort()) if (states.has(name)) relate(id, 'consumes', stateId(name))
  }
  return { entities, relationships: [...relationships.values()] }
}
