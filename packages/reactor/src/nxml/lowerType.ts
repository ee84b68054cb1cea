import type { Json, StateType } from '@nexus/protocol'
import { STATE_TYPES } from '@nexus/protocol'
import { closestName, didYouMean } from '../util/suggest.ts'
import { JsonDefault, jsonDefault, parseDefault } from './defaults.ts'
import type { LowerContext } from './lowerContext.ts'
import type { XmlElement } from './xmlTree.ts'

const TYPE_ALIASES: Record<string, StateType> = {
  array: 'list',
  int: 'number',
  float: 'number',
  bool: 'boolean',
  str: 'string',
  map: 'object',
}

/** The `type` attribute of a State or Arg; `string` when missing or invalid (after a diagnostic). */
export function lowerType(el: XmlElement, ctx: LowerContext): StateType {
  const raw = ctx.required(el, 'type')
  if (raw === undefined) return 'string'
  if ((STATE_TYPES as readonly string[]).includes(raw)) return raw as StateType
  const suggestion = TYPE_ALIASES[raw.toLowerCase()] ?? closestName(raw, STATE_TYPES)
  const message = `"${raw}" is not a type${didYouMean(suggestion)}; use one of ${STATE_TYPES.join(', ')}`
  ctx.diagnostics.add('INVALID_ATTRIBUTE_VALUE', ctx.valueSpan(el, 'type'), message, suggestion)
  return 'string'
}

/**
 * The `default` attribute of a State or Arg parsed for `type`; undefined when absent or invalid (after a
 * diagnostic naming the `what` declaration `name`). A JSON list or object comes back unparsed, as a
 * `JsonDefault`: the declaration's `default` is an accessor that parses it when read.
 */
export function lowerDefault(
  el: XmlElement,
  ctx: LowerContext,
  type: StateType,
  what: 'state' | 'argument',
  name: string,
): Json | JsonDefault | undefined {
  const raw = ctx.optional(el, 'default')
  if (raw === undefined) return undefined
  const json = jsonDefault(type, raw)
  if (json) return json
  const parsed = parseDefault(type, raw)
  if (parsed.ok) return parsed.value
  ctx.diagnostics.add(
    'INVALID_DEFAULT',
    ctx.valueSpan(el, 'default'),
    `Invalid default for ${type} ${what} "${name}": ${parsed.message}`,
  )
  return undefined
}
