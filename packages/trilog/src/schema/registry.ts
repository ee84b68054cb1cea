import { z } from 'zod'
import { JsonSchema, PatchSchema } from '@nexus/protocol'
import { TrilogError } from '../errors.ts'
import type { TrilogEvent } from '../events.ts'
import type { Definition, ObjectDefinition, ProcessDefinition } from './define.ts'

/** A registry as JSON: zod schemas exported as JSON Schema (draft 2020-12). */
export interface RegistryJson {
  version: 1
  objects: { name: string; description: string; state: object; events: Record<string, object> }[]
  processes: {
    name: string
    description: string
    object: string | null
    steps: string[]
    events: Record<string, object>
  }[]
}

export type ValidationResult = { ok: true } | { ok: false; error: { code: 'TRILOG_INVALID_EVENT'; message: string } }

/** What every `state_change` carries; the extra fields let the kernel re-execute it. */
export const StateChangeSchema = z.looseObject({
  ops: PatchSchema,
  tool: z.string().optional(),
  args: JsonSchema.optional(),
  seed: z.number().optional(),
  now: z.number().optional(),
  version: z.number().int().nonnegative().optional(),
  actor: z.string().optional(),
  durationMs: z.number().nonnegative().optional(),
})

/** Object and process definitions by name; validates events and round-trips through JSON. */
export class TrilogRegistry {
  private readonly objects = new Map<string, ObjectDefinition>()
  private readonly processes = new Map<string, ProcessDefinition>()

  constructor(definitions: readonly Definition[]) {
    for (const d of definitions) {
      const map: Map<string, Definition> = d.kind === 'object' ? this.objects : this.processes
      if (map.has(d.name)) throw new TrilogError('TRILOG_UNKNOWN_SCHEMA', `${d.kind} "${d.name}" is defined twice`)
      map.set(d.name, d)
    }
  }

  object(name: string): ObjectDefinition | undefined {
    return this.objects.get(name)
  }

  process(name: string): ProcessDefinition | undefined {
    return this.processes.get(name)
  }

  /** Checks an event against its object's schema: the state of a snapshot, the ops of a change, a custom payload. */
  validate(event: TrilogEvent): ValidationResult {
    const object = this.objects.get(event.objType)
    if (!object)
      return invalid(`Unknown object type "${event.objType}" (known: ${[...this.objects.keys()].join(', ')})`)
    let schema: z.ZodType | undefined
    if (event.kind === 'snapshot') schema = z.object({ state: object.state })
    else if (event.kind === 'state_change') schema = StateChangeSchema
    else schema = object.events[event.kind] ?? this.processEvent(object.name, event.kind)
    if (!schema) return invalid(`${object.name} has no event "${event.kind}"`)
    const parsed = schema.safeParse(event.attrs)
    if (parsed.success) return { ok: true }
    const issue = parsed.error.issues[0]!
    return invalid(
      `At ${object.name}.${event.kind}${issue.path.map((p) => `.${String(p)}`).join('')}: ${issue.message}`,
    )
  }

  private processEvent(objectName: string, kind: string): z.ZodType | undefined {
    for (const p of this.processes.values()) if (p.object === objectName && p.events[kind]) return p.events[kind]
    return undefined
  }

  toJSON(): RegistryJson {
    const json = (schema: z.ZodType) => z.toJSONSchema(schema, { unrepresentable: 'any' }) as object
    const events = (e: Record<string, z.ZodType>) => Object.fromEntries(Object.entries(e).map(([k, s]) => [k, json(s)]))
    return {
      version: 1,
      objects: [...this.objects.values()].map((o) => ({
        name: o.name,
        description: o.description,
        state: json(o.state),
        events: events(o.events),
      })),
      processes: [...this.processes.values()].map((p) => ({
        name: p.name,
        description: p.description,
        object: p.object ?? null,
        steps: [...p.steps],
        events: events(p.events),
      })),
    }
  }

  /** Rebuilds a registry exported with `toJSON` (schemas through zod's JSON Schema import). */
  static fromJSON(json: RegistryJson): TrilogRegistry {
    if (json.version !== 1)
      throw new TrilogError('TRILOG_UNKNOWN_SCHEMA', `Registry JSON version ${String(json.version)} is not supported`)
    const schema = (s: object) => z.fromJSONSchema(s as Parameters<typeof z.fromJSONSchema>[0])
    const events = (e: Record<string, object>) => Object.fromEntries(Object.entries(e).map(([k, s]) => [k, schema(s)]))
    return new TrilogRegistry([
      ...json.objects.map((o): ObjectDefinition => ({
        kind: 'object',
        name: o.name,
        description: o.description,
        state: schema(o.state),
        events: events(o.events),
      })),
      ...json.processes.map((p): ProcessDefinition => ({
        kind: 'process',
        name: p.name,
        description: p.description,
        object: p.object ?? undefined,
        steps: p.steps,
        events: events(p.events),
      })),
    ])
  }
}

function invalid(message: string): ValidationResult {
  return { ok: false, error: { code: 'TRILOG_INVALID_EVENT', message } }
}
