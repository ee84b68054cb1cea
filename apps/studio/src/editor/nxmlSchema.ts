import type { ElementSpec } from '@codemirror/lang-xml'
import { COMPONENT_SPECS } from '@nexus/reactor'

/** The panel's structural elements (not components: `COMPONENT_SPECS` covers only what goes in `<View>`). */
const STRUCTURE: readonly ElementSpec[] = [
  { name: 'NexusPanel', top: true, children: ['Data', 'Logic', 'View'], attributes: ['title', 'version'] },
  { name: 'Data', children: ['State', 'Computed'] },
  { name: 'State', children: [], attributes: ['name', 'type', 'default'] },
  { name: 'Computed', children: [], attributes: ['name', 'value'] },
  { name: 'Logic', children: ['Tool'] },
  { name: 'Tool', children: ['Arg', 'Capabilities', 'Handler'], attributes: ['name', 'description'] },
  { name: 'Arg', children: [], attributes: ['name', 'type', 'default'] },
  { name: 'Capabilities', children: ['Capability'] },
  { name: 'Capability', children: [], attributes: ['type', 'scope'] },
  { name: 'Handler', children: [] },
]

/** Component names that may sit inside `parent` (a `parent`-bound spec such as `Tab` only in its parent). */
function componentsIn(parent: string | undefined): string[] {
  return Object.entries(COMPONENT_SPECS)
    .filter(([, spec]) => spec.parent === undefined || spec.parent === parent)
    .map(([name]) => name)
}

/** The element schema lang-xml completes from: components, their attributes and enum values, from the specs. */
export function nxmlElements(): ElementSpec[] {
  const components: ElementSpec[] = Object.entries(COMPONENT_SPECS).map(([name, spec]) => ({
    name,
    children: spec.children ? componentsIn(name) : [],
    attributes: spec.attributes.map((a) => ({
      name: a.name,
      ...(a.values ? { values: [...a.values] } : {}),
      completion: { info: a.doc, detail: a.required ? 'required' : undefined },
    })),
    completion: { detail: spec.category },
  }))
  const view: ElementSpec = { name: 'View', children: componentsIn(undefined) }
  return [...STRUCTURE, view, ...components]
}
