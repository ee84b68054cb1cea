import type { Span, ViewNode } from '@nexus/protocol'
import type { ExprError, ExprResult } from '../expr/ast.ts'
import { type BindingFacts, parseBinding, parseExpressionAttribute, readBinding } from '../expr/binding.ts'
import type { StatePath } from '../expr/collect.ts'
import { expressionPaths } from '../expr/recognize.ts'
import { setBounded } from '../util/textCache.ts'
import { isIdentifier } from '../util/chars.ts'
import { closestName, didYouMean } from '../util/suggest.ts'
import {
  type AttributeSpec,
  type ComponentSpec,
  COMPONENT_SPECS,
  type ComponentInfo,
  componentInfo,
} from './componentSpecs.ts'
import { scopeUses } from './handlerCode.ts'
import type { ExpressionSite, ValidateContext } from './validateContext.ts'
import { MALFORMED_NODES } from './xmlTree.ts'

const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/

const NO_NAMES: ReadonlySet<string> = new Set()
const NO_REQUIRED: readonly string[] = []

/** What a view node sees from its ancestors: `$scope` names bound by enclosing `<Iterate>`s. */
interface ViewScope {
  names: ReadonlySet<string>
  parent: string | undefined
}

/** Checks every view node: known component, attributes and their types, bindings, triggers, scope, ids. */
export function validateView(nodes: readonly ViewNode[], ctx: ValidateContext): void {
  walk(nodes, ctx, undefined, { names: NO_NAMES, parent: undefined }, { seen: undefined })
}

function walk(
  nodes: readonly ViewNode[],
  ctx: ValidateContext,
  path: ViewPath | undefined,
  scope: ViewScope,
  ids: ViewIds,
): void {
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!
    const here: ViewPath = { parent: path, index: i }
    const info = componentInfo(node.type)
    validateNode(node, info, ctx, here, scope)
    checkPlacement(node, info?.spec, i > 0 ? nodes[i - 1] : undefined, ctx, here, scope)
    checkId(node, ctx, here, ids)
    if (node.children.length === 0) continue
    const inner = node.type === 'Iterate' ? iterateScope(node, scope) : scope
    walk(node.children, ctx, here, { names: inner.names, parent: node.type }, ids)
  }
}

/** Where a view node is, as links; spelled out (`view[0].children[2]`) only for a message. */
interface ViewPath {
  parent: ViewPath | undefined
  index: number
}

/** An attribute as an expression site, its path spelled out only if a message needs it. */
class AttributeSite implements ExpressionSite {
  constructor(
    readonly span: Span,
    readonly attribute: string,
    readonly value: string,
    private readonly where: ViewPath,
    readonly offset = 0,
  ) {}

  /** The same site for an expression starting at `offset` in the value. */
  at(offset: number): AttributeSite {
    return new AttributeSite(this.span, this.attribute, this.value, this.where, offset)
  }

  get path(): string {
    return `${pathText(this.where)}.${this.attribute}`
  }
}

/** Levels spelled out at each end of a deep path; the middle is counted (`…(180 levels)…`). */
const PATH_ENDS = 6

function pathText(path: ViewPath): string {
  const indexes: number[] = []
  for (let p: ViewPath | undefined = path; p; p = p.parent) indexes.push(p.index)
  indexes.reverse()
  const part = (i: number) => (i === 0 ? `view[${indexes[0]}]` : `.children[${indexes[i]}]`)
  let text = ''
  if (indexes.length <= 2 * PATH_ENDS + 1) {
    for (let i = 0; i < indexes.length; i++) text += part(i)
    return text
  }
  for (let i = 0; i < PATH_ENDS; i++) text += part(i)
  text += `…(${indexes.length - 2 * PATH_ENDS} levels)…`
  for (let i = indexes.length - PATH_ENDS; i < indexes.length; i++) text += part(i)
  return text
}

function iterateScope(node: ViewNode, scope: ViewScope): ViewScope {
  const item = node.attrs['as'] ?? 'item'
  const index = node.attrs['index'] ?? 'index'
  return { names: new Set([...scope.names, item, index]), parent: 'Iterate' }
}

function nameSpanOf(node: ViewNode) {
  return { start: node.span.start + 1, end: node.span.start + 1 + node.type.length }
}

function checkPlacement(
  node: ViewNode,
  spec: ComponentSpec | undefined,
  previous: ViewNode | undefined,
  ctx: ValidateContext,
  path: ViewPath,
  scope: ViewScope,
): void {
  if (node.type === 'Else' && previous?.type !== 'If') {
    ctx.diagnostics.add('MISPLACED_ELSE', nameSpanOf(node), `At ${pathText(path)}: <Else> must directly follow an <If>`)
  }
  if (spec?.parent && scope.parent !== spec.parent) {
    ctx.diagnostics.add(
      'UNEXPECTED_ELEMENT',
      nameSpanOf(node),
      `At ${pathText(path)}: <${node.type}> is only allowed directly inside <${spec.parent}>`,
    )
  }
  if (node.type === 'Tabs') {
    for (const child of node.children) {
      if (child.type !== 'Tab')
        ctx.diagnostics.add(
          'UNEXPECTED_ELEMENT',
          nameSpanOf(child),
          `At ${pathText(path)}: <Tabs> holds only <Tab label="..."> elements, not <${child.type}>`,
          'Tab',
        )
    }
  }
  if (spec && !spec.children && node.children.length > 0) {
    ctx.diagnostics.add(
      'UNEXPECTED_ELEMENT',
      nameSpanOf(node.children[0]!),
      `At ${pathText(path)}: <${node.type}> takes no child elements`,
    )
  }
}

/** The static ids met so far in the view (a set only once there is one). */
interface ViewIds {
  seen: Set<string> | undefined
}

function checkId(node: ViewNode, ctx: ValidateContext, path: ViewPath, ids: ViewIds): void {
  const id = node.attrs['id']
  if (id === undefined || id.includes('{')) return
  ids.seen ??= new Set()
  if (ids.seen.has(id))
    ctx.diagnostics.add(
      'DUPLICATE_VIEW_ID',
      ctx.attributeSpan(node.span, 'id'),
      `At ${pathText(path)}: the id "${id}" is already used by another component; ids must be unique in the view`,
    )
  ids.seen.add(id)
}

function validateNode(
  node: ViewNode,
  info: ComponentInfo | undefined,
  ctx: ValidateContext,
  path: ViewPath,
  scope: ViewScope,
): void {
  const spec = info?.spec
  // Once the bag is full a diagnostic is only counted: no suggestion, path or location is worked out.
  if (!spec && ctx.diagnostics.full) ctx.diagnostics.add('UNKNOWN_COMPONENT', node.span, '')
  else if (!spec) {
    const suggestion = closestName(node.type, Object.keys(COMPONENT_SPECS))
    ctx.diagnostics.add(
      'UNKNOWN_COMPONENT',
      nameSpanOf(node),
      `At ${pathText(path)}: <${node.type}> is not a known component${didYouMean(suggestion)}`,
      suggestion,
    )
  }
  for (const name of info ? info.required : NO_REQUIRED) {
    if (!Object.hasOwn(node.attrs, name) && !MALFORMED_NODES.has(node)) {
      ctx.diagnostics.add(
        'MISSING_ATTRIBUTE',
        nameSpanOf(node),
        `At ${pathText(path)}: <${node.type}> needs a "${name}" attribute`,
      )
    }
  }
  const attrs = node.attrs
  for (const name in attrs) {
    if (!Object.hasOwn(attrs, name)) continue
    const value = attrs[name]!
    const attr = info?.byName.get(name)
    if (spec && !attr && ctx.diagnostics.full) ctx.diagnostics.add('UNKNOWN_ATTRIBUTE', node.span, '')
    else if (spec && !attr) {
      const allowed = spec.attributes.map((a) => a.name)
      const suggestion = closestName(name, allowed)
      const span = ctx.attributeSpan(node.span, name)
      ctx.diagnostics.add(
        'UNKNOWN_ATTRIBUTE',
        span,
        `At ${pathText(path)}: <${node.type}> has no attribute "${name}"${didYouMean(suggestion)}`,
        suggestion,
      )
    }
    if ((attr === undefined || attr.kind === undefined || attr.kind === 'binding') && value.indexOf('{') === -1) {
      // Plain text (the most common value): only its type and allowed values are checked.
      if (attr && !plainValueFits(attr, value))
        checkPlainValue(node, attr, value, ctx, {
          span: node.span,
          attribute: name,
          value,
          offset: 0,
          path: `${pathText(path)}.${name}`,
        })
      continue
    }
    const site = new AttributeSite(node.span, name, value, path)
    // An Iterate's `key` is evaluated per item, inside its own scope.
    const seen = node.type === 'Iterate' && name === 'key' ? iterateScope(node, scope) : scope
    validateAttribute(node, attr, value, ctx, site, seen)
  }
}

function validateAttribute(
  node: ViewNode,
  attr: AttributeSpec | undefined,
  value: string,
  ctx: ValidateContext,
  site: AttributeSite,
  scope: ViewScope,
): void {
  switch (attr?.kind ?? 'binding') {
    case 'tool':
      return validateTrigger(value, ctx, site)
    case 'bind':
      return validateBind(value, ctx, site)
    case 'expression': {
      const facts = expressionFacts(value)
      if (!facts) return ctx.syntaxError(site, errorOf(parseExpressionAttribute(value), value))
      checkScope(facts.source, facts.offset, ctx, site, scope)
      return ctx.checkPaths(site.at(facts.offset), facts.paths)
    }
    case 'binding': {
      if (value.indexOf('{') === -1) {
        if (attr) checkPlainValue(node, attr, value, ctx, site)
        return
      }
      const facts = bindingFacts(value)
      if (!facts) return ctx.syntaxError(site, errorOf(parseBinding(value), value))
      for (const part of facts.parts) checkScope(part.source, part.offset, ctx, site, scope)
      return ctx.checkPaths(site, facts.paths)
    }
  }
}

/** What validation reads from an expression attribute: the expression, where it starts, its state paths. */
interface ExpressionFacts {
  source: string
  offset: number
  paths: StatePath[]
}

/**
 * Facts by attribute value, bounded like the parse caches and emptied with them. They are read without
 * building expression trees (`readBinding`, `expressionPaths`): a value is parsed only when it is invalid,
 * for its exact error, and components parse their bindings when they first render. Keyed by the text, not
 * by a parsed object: a `WeakMap` entry per expression cost an ephemeron on every cold compile.
 */
let BINDING_FACTS = new Map<string, BindingFacts>()
let EXPRESSION_FACTS = new Map<string, ExpressionFacts>()
const FACTS_LIMIT = 5000

/** Forgets the facts of every binding and expression attribute (see `clearNxmlCaches`). */
export function clearViewFacts(): void {
  // New maps, not `clear()`: see `util/textCache.ts`.
  BINDING_FACTS = new Map()
  EXPRESSION_FACTS = new Map()
}

/** The facts of a value containing `{`; `undefined` when it does not parse. */
function bindingFacts(value: string): BindingFacts | undefined {
  let facts = BINDING_FACTS.get(value)
  if (!facts) {
    facts = readBinding(value)
    if (facts) setBounded(BINDING_FACTS, FACTS_LIMIT, value, facts)
  }
  return facts
}

/** The facts of an expression attribute (`args="{ step: 1 }"`, or wrapped as `{expr}`); `undefined` when invalid. */
function expressionFacts(value: string): ExpressionFacts | undefined {
  let facts = EXPRESSION_FACTS.get(value)
  if (!facts) {
    const direct = expressionPaths(value)
    if (direct) facts = { source: value, offset: 0, paths: direct }
    else {
      // Not an expression as a whole: a single `{expr}` binding is accepted too (as `parseExpressionAttribute`).
      const binding = value.charCodeAt(0) === 123 /* { */ ? readBinding(value) : undefined
      const only = binding?.parts.length === 1 ? binding.parts[0] : undefined
      if (!binding || !only || only.offset + only.source.length + 1 !== value.length) return undefined
      facts = { source: only.source, offset: only.offset, paths: binding.paths }
    }
    setBounded(EXPRESSION_FACTS, FACTS_LIMIT, value, facts)
  }
  return facts
}
/** The error of a value the recognizer found invalid, from the parser (which caches it). */
function errorOf(parsed: ExprResult<unknown>, value: string): ExprError {
  if (parsed.ok) throw new Error(`The expression recognizer rejected ${JSON.stringify(value)}, which parses`)
  return parsed.error
}

/** Whether a plain value is one of the attribute's allowed values and of its type (no diagnostic needed). */
function plainValueFits(attr: AttributeSpec, value: string): boolean {
  if (attr.values && !attr.values.includes(value)) return false
  switch (attr.type) {
    case undefined:
    case 'string':
      return true
    case 'number':
      return NUMBER.test(value.trim())
    case 'boolean':
      return value === 'true' || value === 'false'
    case 'identifier':
      return isIdentifier(value)
    case 'list':
      return false
  }
}

function checkPlainValue(
  node: ViewNode,
  attr: AttributeSpec,
  value: string,
  ctx: ValidateContext,
  site: ExpressionSite,
) {
  // Located only when reported: most values are fine and locating costs a scan of the tag.
  if (attr.values && !attr.values.includes(value)) {
    const suggestion = closestName(value, attr.values)
    const message = `At ${site.path}: "${value}" is not a valid ${attr.name} for <${node.type}>${didYouMean(suggestion)}; use one of ${attr.values.join(', ')}`
    ctx.diagnostics.add('INVALID_ATTRIBUTE_VALUE', ctx.attributeSpan(site.span, site.attribute), message, suggestion)
    return
  }
  if (plainValueFits(attr, value)) return // the allowed values passed above: only the type is checked
  const expected = attr.type
  const want = {
    number: 'a number',
    boolean: '"true" or "false"',
    identifier: 'an identifier (letters, digits, _)',
    list: 'a {binding} to a list',
    string: 'text',
  }[expected!]
  const suggestion = expected === 'boolean' ? (/^(yes|on|1)$/i.test(value) ? 'true' : undefined) : undefined
  ctx.diagnostics.add(
    'WRONG_ATTRIBUTE_TYPE',
    ctx.attributeSpan(site.span, site.attribute),
    `At ${site.path}: ${attr.name}="${value}" on <${node.type}> must be ${want}`,
    suggestion,
  )
}

function checkScope(source: string, offset: number, ctx: ValidateContext, site: ExpressionSite, scope: ViewScope) {
  for (const use of scopeUses(source)) {
    if (scope.names.has(use.name)) continue
    const suggestion = closestName(use.name, scope.names)
    const where = scope.names.size
      ? `the enclosing <Iterate> binds ${[...scope.names].map((n) => `$scope.${n}`).join(', ')}`
      : 'there is no enclosing <Iterate>'
    ctx.diagnostics.add(
      'UNDEFINED_SCOPE',
      ctx.spanIn(site, offset + use.at, offset + use.at + use.length),
      `At ${site.path}: $scope.${use.name} is not defined here: ${where}${didYouMean(suggestion)}`,
      suggestion,
    )
  }
}

function validateBind(value: string, ctx: ValidateContext, site: ExpressionSite): void {
  // The first segment of `draft`, `form.email` or `$state.form.email`.
  const from = value.startsWith('$state.') ? 7 : 0
  const dot = value.indexOf('.', from)
  const key = dot === -1 ? value.slice(from) : value.slice(from, dot)
  if (ctx.states.has(key)) {
    ctx.usedStates.add(key)
    return
  }
  const suggestion = closestName(key, ctx.states)
  ctx.diagnostics.add(
    'UNDEFINED_STATE',
    ctx.attributeSpan(site.span, site.attribute),
    `At ${site.path}: bind="${value}" names no declared state${didYouMean(suggestion)}`,
    suggestion,
  )
}

function validateTrigger(value: string, ctx: ValidateContext, site: ExpressionSite): void {
  ctx.usedTools.add(value)
  if (ctx.tools.has(value)) return
  const suggestion = closestName(value, ctx.tools)
  if (suggestion) ctx.usedTools.add(suggestion) // a typo is one mistake: the tool it meant is not "unused"
  const span = ctx.attributeSpan(site.span, site.attribute)
  ctx.diagnostics.add(
    'UNDEFINED_TOOL',
    span,
    `At ${site.path}: tool "${value}" is not defined${didYouMean(suggestion)}`,
    suggestion,
  )
}
