/** How the validator reads an attribute value. */
export type AttributeKind = 'binding' | 'expression' | 'tool'

export interface AttributeSpec {
  name: string
  required?: boolean
  /** Allowed plain-text values (a `{binding}` is checked at run time instead). */
  values?: readonly string[]
  /** `binding` (text or `{expr}`, the default), `expression` (the whole value is one), `tool` (a tool name). */
  kind?: AttributeKind
}

export interface ComponentSpec {
  attributes: readonly AttributeSpec[]
}

const COMMON: readonly AttributeSpec[] = [{ name: 'id' }]

export const LAYOUT_STRATEGIES = ['stack', 'row', 'auto', 'grid'] as const
export const GAPS = ['sm', 'md', 'lg'] as const
export const BUTTON_VARIANTS = ['primary', 'secondary', 'danger', 'ghost'] as const

/** The components the reactor knows today; the validator and the renderer both read this table. */
export const COMPONENT_SPECS: Readonly<Record<string, ComponentSpec>> = {
  Layout: { attributes: [...COMMON, { name: 'strategy', values: LAYOUT_STRATEGIES }, { name: 'gap', values: GAPS }] },
  Text: { attributes: [...COMMON, { name: 'content', required: true }] },
  Metric: { attributes: [...COMMON, { name: 'label', required: true }, { name: 'value', required: true }] },
  Button: {
    attributes: [
      ...COMMON,
      { name: 'label', required: true },
      { name: 'trigger', required: true, kind: 'tool' },
      { name: 'args', kind: 'expression' },
      { name: 'variant', values: BUTTON_VARIANTS },
      { name: 'disabled' },
    ],
  },
}

export function componentSpec(type: string): ComponentSpec | undefined {
  return Object.hasOwn(COMPONENT_SPECS, type) ? COMPONENT_SPECS[type] : undefined
}
