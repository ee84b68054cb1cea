import type { ViewNode } from '@nexus/protocol'
import { collectBindingPaths, parseBinding, parseExpressionAttribute } from '../expr/binding.ts'
import { collectStatePaths } from '../expr/collect.ts'
import { closestName, didYouMean } from '../util/suggest.ts'
import { type AttributeSpec, COMPONENT_SPECS, componentSpec } from './componentSpecs.ts'
import type { ExpressionSite, ValidateContext } from './validateContext.ts'

/** Checks every view node: known component, known attributes, allowed values, bindings, triggers. */
export function validateView(nodes: readonly ViewNode[], ctx: ValidateContext, path = 'view'): void {
  nodes.forEach((node, i) => {
    const here = `${path}[${i}]`
    validateNode(node, ctx, here)
    validateView(node.children, ctx, `${here}.children`)
  })
}

function validateNode(node: ViewNode, ctx: ValidateContext, path: string): void {
  const spec = componentSpec(node.type)
  const nameSpan = { start: node.span.start + 1, end: node.span.start + 1 + node.type.length }
  if (!spec) {
    const suggestion = closestName(node.type, Object.keys(COMPONENT_SPECS))
    ctx.diagnostics.add(
      'UNKNOWN_COMPONENT',
      nameSpan,
      `At ${path}: <${node.type}> is not a known component${didYouMean(suggestion)}`,
      suggestion,
    )
  }
  for (const attr of spec?.attributes ?? []) {
    if (attr.required && !Object.hasOwn(node.attrs, attr.name)) {
      ctx.diagnostics.add('MISSING_ATTRIBUTE', nameSpan, `At ${path}: <${node.type}> needs a "${attr.name}" attribute`)
    }
  }
  for (const [name, value] of Object.entries(node.attrs)) {
    const attr = spec?.attributes.find((a) => a.name === name)
    if (spec && !attr) {
      const allowed = spec.attributes.map((a) => a.name)
      const suggestion = closestName(name, allowed)
      const span = ctx.attributeSpan(node.span, name)
      ctx.diagnostics.add(
        'UNKNOWN_ATTRIBUTE',
        span,
        `At ${path}: <${node.type}> has no attribute "${name}"${didYouMean(suggestion)}`,
        suggestion,
      )
    }
    validateAttribute(node, attr, value, ctx, {
      span: node.span,
      attribute: name,
      value,
      offset: 0,
      path: `${path}.${name}`,
    })
  }
}

function validateAttribute(
  node: ViewNode,
  attr: AttributeSpec | undefined,
  value: string,
  ctx: ValidateContext,
  site: ExpressionSite,
): void {
  switch (attr?.kind ?? 'binding') {
    case 'tool':
      return validateTrigger(value, ctx, site)
    case 'expression': {
      const parsed = parseExpressionAttribute(value)
      if (!parsed.ok) return ctx.syntaxError(site, parsed.error)
      return ctx.checkPaths({ ...site, offset: parsed.value.offset }, collectStatePaths(parsed.value.expr))
    }
    case 'binding': {
      const parsed = parseBinding(value)
      if (!parsed.ok) return ctx.syntaxError(site, parsed.error)
      if (parsed.value.kind === 'text' && attr?.values && !attr.values.includes(value)) {
        const suggestion = closestName(value, attr.values)
        const message = `At ${site.path}: "${value}" is not a valid ${attr.name} for <${node.type}>${didYouMean(suggestion)}; use one of ${attr.values.join(', ')}`
        ctx.diagnostics.add(
          'INVALID_ATTRIBUTE_VALUE',
          ctx.attributeSpan(site.span, site.attribute),
          message,
          suggestion,
        )
      }
      return ctx.checkPaths(site, collectBindingPaths(parsed.value))
    }
  }
}

function validateTrigger(value: string, ctx: ValidateContext, site: ExpressionSite): void {
  if (ctx.tools.has(value)) return
  const suggestion = closestName(value, ctx.tools)
  const span = ctx.attributeSpan(site.span, site.attribute)
  ctx.diagnostics.add(
    'UNDEFINED_TOOL',
    span,
    `At ${site.path}: tool "${value}" is not defined${didYouMean(suggestion)}`,
    suggestion,
  )
}
