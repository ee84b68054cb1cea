import type { EntityCategory, NogEntity } from '@nexus/protocol'

/** How one kind of node looks: a glyph (plain text symbols common fonts carry, no emoji or images) and a label. */
export interface NodeLook {
  icon: string
  label: string
}

/** Every NOG category with its glyph; the colour is `--graph-<category>` in graph.css (light and dark). */
export const CATEGORY_LOOKS: Record<EntityCategory, NodeLook> = {
  concept: { icon: '✦', label: 'Concept' },
  component: { icon: '▣', label: 'Component' },
  data: { icon: '◆', label: 'Data' },
  action: { icon: '⚡', label: 'Action' },
  resource: { icon: '▤', label: 'Resource' },
  constraint: { icon: '⊘', label: 'Constraint' },
  milestone: { icon: '⚑', label: 'Milestone' },
  custom: { icon: '●', label: 'Custom' },
}

/** Fallback colours (the light theme's) for the minimap, which draws in SVG attributes. */
export const CATEGORY_COLOURS: Record<EntityCategory, string> = {
  concept: '#b7791f',
  component: '#3a5bd9',
  data: '#0f8a6a',
  action: '#c2410c',
  resource: '#6d28d9',
  constraint: '#c0362c',
  milestone: '#0e7490',
  custom: '#667085',
}

/** Derived entities say what they are in `properties.kind` (panel, state, computed, tool). */
export function entityKind(entity: NogEntity): string | undefined {
  const kind = entity.properties.kind
  return typeof kind === 'string' ? kind : undefined
}

/** The glyph and label of an entity: a panel, a state or a tool reads better than its bare category. */
export function lookOf(entity: NogEntity): NodeLook {
  switch (entityKind(entity)) {
    case 'panel':
      return { icon: '▣', label: 'Panel' }
    case 'state':
      return { icon: '◆', label: 'State' }
    case 'computed':
      return { icon: 'ƒ', label: 'Computed' }
    case 'tool':
      return { icon: '⚡', label: 'Tool' }
    default:
      return CATEGORY_LOOKS[entity.category]
  }
}

/** The panel an entity opens: a panel entity's own id, or the panel a derived entity came from. */
export function panelOf(entity: NogEntity): string | undefined {
  const own = entity.properties.panelId
  if (entityKind(entity) === 'panel' && typeof own === 'string') return own
  return entity.sourcePanel ?? undefined
}
