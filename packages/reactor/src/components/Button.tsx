import type { Json, JsonObject, ViewNode } from '@nexus/protocol'
import { evaluateExpression } from '../expr/evaluate.ts'
import { toJson } from '../expr/toJson.ts'
import { BUTTON_VARIANTS } from '../nxml/componentSpecs.ts'
import { asBoolean, choice, displayText, nxAttributes } from './display.ts'
import { usePanel } from './PanelContext.ts'
import { type BoundAttributes, scopeFor, useBindings } from './useBindings.ts'
import type { Store } from '../state/store.ts'

/** Runs a tool: `trigger` names it, `args` is an expression giving positional (array) or named (object) args. */
export function Button({ node }: { node: ViewNode }) {
  const { attrs, label, tool, disabled, onClick } = useToolAction(node)
  const variant = choice(attrs.get('variant'), BUTTON_VARIANTS, 'primary')
  return (
    <button
      type="button"
      className={`nx-button nx-button--${variant}`}
      disabled={disabled}
      aria-label={label === '' ? tool : undefined}
      onClick={onClick}
      {...nxAttributes('Button', displayText(attrs.get('id')), attrs.error)}
    >
      {label}
    </button>
  )
}

/** A text-styled action (toolbars, rows): runs `trigger` like a Button. */
export function Action({ node }: { node: ViewNode }) {
  const { attrs, label, tool, disabled, onClick } = useToolAction(node)
  return (
    <button
      type="button"
      className="nx-action"
      disabled={disabled}
      onClick={onClick}
      {...nxAttributes('Action', displayText(attrs.get('id')), attrs.error)}
    >
      {label || tool}
    </button>
  )
}

/** What Button and Action share: the bound attributes, the tool, and a click that runs it with its `args`. */
function useToolAction(node: ViewNode) {
  const { store, trigger } = usePanel()
  const attrs = useBindings(node)
  const label = displayText(attrs.get('label'))
  const tool = node.attrs['trigger'] ?? ''
  const onClick = () => {
    const args = evaluateArgs(store, attrs)
    if (args.ok) trigger(tool, args.value)
    else console.warn(`[nexus] ${node.type} "${label}": ${args.message}`)
  }
  return { attrs, label, tool, disabled: asBoolean(attrs.get('disabled'), false), onClick }
}

/** The `args` expression's value at click time: `{}` when absent, else an array or object. */
export function evaluateArgs(
  store: Store,
  attrs: BoundAttributes,
): { ok: true; value: Json[] | JsonObject } | { ok: false; message: string } {
  const parsed = attrs.plan.expressions.get('args')
  if (!parsed) return { ok: true, value: {} }
  if (!parsed.ok) return { ok: false, message: `args: ${parsed.error.message}` }
  const result = evaluateExpression(parsed.value.expr, scopeFor(store, attrs.plan, attrs.scope))
  if (!result.ok) return { ok: false, message: `args: ${result.error.message}` }
  const value = toJson(result.value)
  if (value !== null && typeof value === 'object') return { ok: true, value }
  return { ok: false, message: 'args must give an array (positional) or an object (named)' }
}
