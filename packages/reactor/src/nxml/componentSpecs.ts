/**
 * How the validator reads an attribute value: `binding` (text or `{expr}`, the default), `expression` (the
 * whole value is one expression, evaluated on demand, e.g. Button `args`), `tool` (a tool name), `bind` (a
 * state path such as `draft` or `form.email`, written by an input).
 */
export type AttributeKind = 'binding' | 'expression' | 'tool' | 'bind'

/** The type a plain (unbound) attribute value must have; `{bindings}` are checked at run time. */
export type AttributeType = 'string' | 'number' | 'boolean' | 'list' | 'identifier'

export interface AttributeSpec {
  name: string
  required?: boolean
  /** Allowed plain-text values (a `{binding}` is checked at run time instead). */
  values?: readonly string[]
  kind?: AttributeKind
  type?: AttributeType
  /** One line for docs/nxml.md and editor completion. */
  doc?: string
  default?: string
}

export type ComponentCategory = 'layout' | 'control' | 'display' | 'input'

export interface ComponentSpec {
  category: ComponentCategory
  attributes: readonly AttributeSpec[]
  /** Columns (of 12) the `auto` layout gives this component. */
  weight: number
  /** Whether children are allowed. */
  children?: boolean
  /** Only valid directly inside this parent (e.g. `Tab` in `Tabs`). */
  parent?: string
}

export const LAYOUT_STRATEGIES = ['stack', 'row', 'auto', 'grid'] as const
export const GAPS = ['none', 'sm', 'md', 'lg'] as const
export const ALIGNS = ['start', 'center', 'end', 'stretch'] as const
export const JUSTIFIES = ['start', 'center', 'end', 'between', 'around'] as const
export const BUTTON_VARIANTS = ['primary', 'secondary', 'danger', 'ghost'] as const
export const CHART_TYPES = ['line', 'bar', 'area', 'pie'] as const
export const TEXT_VARIANTS = ['body', 'title', 'subtitle', 'caption', 'muted'] as const
export const INPUT_TYPES = ['text', 'email', 'number', 'password', 'url', 'tel', 'search'] as const
export const TRENDS = ['up', 'down', 'flat'] as const
export const IMAGE_FITS = ['contain', 'cover', 'fill', 'none'] as const
export const CONTAINER_VARIANTS = ['plain', 'card', 'outlined'] as const

const a = (name: string, doc: string, more: Omit<AttributeSpec, 'name' | 'doc'> = {}): AttributeSpec => ({
  name,
  doc,
  ...more,
})

const COMMON: readonly AttributeSpec[] = [
  a('id', 'Unique id in the view; targets `$view.<cmd>(id)` and shows as `data-nx-id`', { type: 'identifier' }),
  a('span', 'Columns (1–12) this component takes in an `auto` or `grid` layout', { type: 'number' }),
]
const LABEL = a('label', 'Visible label (also the accessible name)', { required: true })
const BIND = a('bind', 'State path written on change (two-way), e.g. `draft` or `form.email`', { kind: 'bind' })
const NAME = a('name', 'Field name inside a `<Form>` (the tool argument it fills)', { type: 'identifier' })
const DISABLED = a('disabled', 'Disables the control', { type: 'boolean', default: 'false' })
const ON_CHANGE = a('onChange', 'Tool triggered with the new value as its first argument', { kind: 'tool' })
const REQUIRED = a('required', 'A value is required (checked in a `<Form>`)', { type: 'boolean', default: 'false' })
const VALUE = a('value', 'Value when not bound')
const TRIGGER = a('trigger', 'The tool to run', { required: true, kind: 'tool' })
const ARGS = a('args', 'Expression: an array (positional) or object (named) of arguments', { kind: 'expression' })

function spec(
  category: ComponentCategory,
  weight: number,
  attributes: AttributeSpec[],
  more: Partial<ComponentSpec> = {},
): ComponentSpec {
  return { category, weight, attributes: [...COMMON, ...attributes], ...more }
}

/** Every component NXML knows; the validator, the renderer, the layout engine and the docs read this table. */
export const COMPONENT_SPECS: Readonly<Record<string, ComponentSpec>> = {
  Layout: spec(
    'layout',
    12,
    [
      a('strategy', 'How children are arranged', { values: LAYOUT_STRATEGIES, default: 'stack' }),
      a('gap', 'Space between children', { values: GAPS, default: 'md' }),
      a('align', 'Cross-axis alignment', { values: ALIGNS, default: 'stretch' }),
      a('justify', 'Main-axis distribution', { values: JUSTIFIES, default: 'start' }),
      a('columns', 'Columns of a `grid` layout (`auto` always uses 12)', { type: 'number', default: '3' }),
    ],
    { children: true },
  ),
  Container: spec(
    'layout',
    12,
    [
      a('title', 'Heading shown above the content'),
      a('variant', 'Visual frame', { values: CONTAINER_VARIANTS, default: 'card' }),
    ],
    { children: true },
  ),
  Tabs: spec('layout', 12, [a('selected', 'Index of the tab shown first', { type: 'number', default: '0' })], {
    children: true,
  }),
  Tab: spec('layout', 12, [LABEL], { children: true, parent: 'Tabs' }),
  Grid: spec(
    'layout',
    12,
    [
      a('columns', 'Number of equal columns', { type: 'number', default: '3' }),
      a('gap', 'Space between cells', { values: GAPS, default: 'md' }),
    ],
    { children: true },
  ),
  If: spec('control', 12, [a('condition', 'Children render while this is truthy', { required: true })], {
    children: true,
  }),
  Else: spec('control', 12, [], { children: true }),
  Iterate: spec(
    'control',
    12,
    [
      a('items', 'The list to repeat over', { required: true }),
      a('as', 'Name of the item in `$scope`', { type: 'identifier', default: 'item' }),
      a('index', 'Name of the index in `$scope`', { type: 'identifier', default: 'index' }),
      a('key', 'Expression giving a stable key per item (defaults to the index)', { kind: 'expression' }),
    ],
    { children: true },
  ),
  Text: spec('display', 6, [
    a('content', 'Text; may mix `{bindings}`', { required: true }),
    a('variant', 'Typographic style', { values: TEXT_VARIANTS, default: 'body' }),
  ]),
  Markdown: spec('display', 12, [a('content', 'Markdown source (raw HTML is shown as text)', { required: true })]),
  Metric: spec('display', 3, [
    LABEL,
    a('value', 'The number or text shown large', { required: true }),
    a('unit', 'Unit after the value'),
    a('trend', 'Arrow after the value', { values: TRENDS }),
  ]),
  StatusBadge: spec('display', 2, [
    a('status', 'ok, success, warning, error, info or neutral (others show as neutral)', { required: true }),
    a('label', 'Text in the badge (defaults to the status)'),
  ]),
  LogStream: spec('display', 12, [
    a('entries', 'List of strings or `{time, level, message}` objects', { required: true }),
    a('maxLines', 'Newest lines kept', { type: 'number', default: '200' }),
    a('height', 'Height in pixels', { type: 'number', default: '200' }),
  ]),
  Chart: spec('display', 6, [
    a('type', 'Chart kind', { values: CHART_TYPES, default: 'line' }),
    a('data', 'List of objects', { required: true }),
    a('x', 'Key of the x value (or pie label)', { default: 'x' }),
    a('y', 'Key(s) of the y values, comma-separated', { default: 'y' }),
    a('title', 'Accessible title'),
    a('width', 'Width in pixels', { type: 'number', default: '480' }),
    a('height', 'Height in pixels', { type: 'number', default: '240' }),
  ]),
  Table: spec('display', 12, [
    a('data', 'List of row objects', { required: true }),
    a('columns', 'Comma-separated keys, or a list of `{key, label}` (defaults to the first row’s keys)'),
    a('pageSize', 'Rows per page; without it rows scroll (virtualised)', { type: 'number' }),
    a('height', 'Height of the scrolling body in pixels', { type: 'number', default: '320' }),
    a('sortable', 'Click a header to sort', { type: 'boolean', default: 'true' }),
    a('filterable', 'Show a filter box', { type: 'boolean', default: 'false' }),
  ]),
  Kanban: spec('display', 12, [
    a('items', 'List of cards (objects)', { required: true }),
    a('columns', 'Comma-separated column names, or a list', { required: true }),
    a('groupBy', 'Card key holding its column', { default: 'status' }),
    a('titleKey', 'Card key shown as its title', { default: 'title' }),
    a('idKey', 'Card key identifying it', { default: 'id' }),
    a('onMove', 'Tool called as `[id, column]` when a card is dropped on a column', { kind: 'tool' }),
  ]),
  Calendar: spec('display', 6, [
    a('events', 'List of `{date: "YYYY-MM-DD", title}`', { required: true }),
    a('month', 'Month shown, `YYYY-MM` (defaults to the first event’s month)'),
  ]),
  Image: spec('display', 4, [
    a('src', 'URL (http, https or data:image)', { required: true }),
    a('alt', 'Text alternative (required for accessibility)', { required: true }),
    a('width', 'Width in pixels', { type: 'number' }),
    a('height', 'Height in pixels', { type: 'number' }),
    a('fit', 'object-fit', { values: IMAGE_FITS, default: 'contain' }),
  ]),
  Code: spec('display', 12, [
    a('content', 'The code', { required: true }),
    a('language', 'Language name shown as a caption'),
  ]),
  Input: spec('input', 4, [
    LABEL,
    BIND,
    NAME,
    VALUE,
    a('placeholder', 'Hint shown when empty'),
    a('type', 'Input type', { values: INPUT_TYPES, default: 'text' }),
    REQUIRED,
    a('pattern', 'Regular expression the value must match (in a `<Form>`)'),
    a('minLength', 'Minimum length', { type: 'number' }),
    a('maxLength', 'Maximum length', { type: 'number' }),
    DISABLED,
    ON_CHANGE,
  ]),
  TextArea: spec('input', 6, [
    LABEL,
    BIND,
    NAME,
    VALUE,
    a('placeholder', 'Hint shown when empty'),
    a('rows', 'Visible lines', { type: 'number', default: '3' }),
    REQUIRED,
    a('maxLength', 'Maximum length', { type: 'number' }),
    DISABLED,
    ON_CHANGE,
  ]),
  Select: spec('input', 3, [
    LABEL,
    BIND,
    NAME,
    VALUE,
    a('options', 'Comma-separated values, or a list of strings or `{value, label}`', { required: true }),
    REQUIRED,
    DISABLED,
    ON_CHANGE,
  ]),
  Switch: spec('input', 3, [LABEL, BIND, NAME, VALUE, DISABLED, ON_CHANGE]),
  Slider: spec('input', 4, [
    LABEL,
    BIND,
    NAME,
    VALUE,
    a('min', 'Minimum', { type: 'number', default: '0' }),
    a('max', 'Maximum', { type: 'number', default: '100' }),
    a('step', 'Step', { type: 'number', default: '1' }),
    DISABLED,
    ON_CHANGE,
  ]),
  DatePicker: spec('input', 3, [
    LABEL,
    BIND,
    NAME,
    VALUE,
    a('min', 'Earliest date, YYYY-MM-DD'),
    a('max', 'Latest date, YYYY-MM-DD'),
    REQUIRED,
    DISABLED,
    ON_CHANGE,
  ]),
  Button: spec('input', 2, [
    LABEL,
    TRIGGER,
    ARGS,
    a('variant', 'Visual style', { values: BUTTON_VARIANTS, default: 'primary' }),
    DISABLED,
  ]),
  Action: spec('input', 2, [LABEL, TRIGGER, ARGS, DISABLED]),
  Form: spec(
    'input',
    12,
    [
      a('trigger', 'Tool called with the named field values when the form is valid', { required: true, kind: 'tool' }),
      a('submitLabel', 'Text of the submit button', { default: 'Submit' }),
      a('resetOnSubmit', 'Clear unbound fields after a submit', { type: 'boolean', default: 'true' }),
    ],
    { children: true },
  ),
}

/** A component's spec with its attributes indexed for the validator. */
export interface ComponentInfo {
  spec: ComponentSpec
  byName: ReadonlyMap<string, AttributeSpec>
  /** Names of the required attributes, in declaration order. */
  required: readonly string[]
}

const INFO_BY_TYPE: ReadonlyMap<string, ComponentInfo> = new Map(
  Object.entries(COMPONENT_SPECS).map(([type, spec]) => [
    type,
    {
      spec,
      byName: new Map(spec.attributes.map((a) => [a.name, a])),
      required: spec.attributes.filter((a) => a.required).map((a) => a.name),
    },
  ]),
)

export function componentSpec(type: string): ComponentSpec | undefined {
  return INFO_BY_TYPE.get(type)?.spec
}

/** The spec of a component and its attribute index (one map lookup), or undefined for an unknown type. */
export function componentInfo(type: string): ComponentInfo | undefined {
  return INFO_BY_TYPE.get(type)
}
