import { z } from 'zod'

/** An object type TriLog anchors events to: its state fields and the events it may carry. */
export interface ObjectDefinition {
  kind: 'object'
  name: string
  description: string
  /** The state's known fields; other keys are allowed (panel state is defined by its NXML). */
  state: z.ZodType
  /** Custom event kinds and their payloads (`snapshot`/`state_change` are built in). */
  events: Record<string, z.ZodType>
}

/** A process (a trace): the object it acts on, its steps (spans) and the events it emits. */
export interface ProcessDefinition {
  kind: 'process'
  name: string
  description: string
  object: string | undefined
  steps: readonly string[]
  events: Record<string, z.ZodType>
}

export type Definition = ObjectDefinition | ProcessDefinition

/**
 * Declares an object type.
 *
 * @example defineObject('User', { fields: { email: z.string() }, events: { login: z.object({ method: z.string() }) } })
 */
export function defineObject(
  name: string,
  spec: { description?: string; fields: z.ZodRawShape; events?: Record<string, z.ZodType> },
): ObjectDefinition {
  return {
    kind: 'object',
    name,
    description: spec.description ?? '',
    state: z.looseObject(spec.fields),
    events: spec.events ?? {},
  }
}

/**
 * Declares a process whose steps run as spans.
 *
 * @example defineProcess('PanelExecution', { object: 'Panel', steps: ['sandbox', 'apply', 'broadcast'] })
 */
export function defineProcess(
  name: string,
  spec: { description?: string; object?: string; steps: readonly string[]; events?: Record<string, z.ZodType> },
): ProcessDefinition {
  return {
    kind: 'process',
    name,
    description: spec.description ?? '',
    object: spec.object,
    steps: [...spec.steps],
    events: spec.events ?? {},
  }
}
