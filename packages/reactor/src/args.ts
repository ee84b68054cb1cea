import type { ArgDecl, Json, JsonObject, ToolDecl } from '@nexus/protocol'
import { matchesType } from './nxml/defaults.ts'
import { setOwn } from './expr/toJson.ts'

export type ResolveArgsResult =
  { ok: true; value: JsonObject } | { ok: false; error: { code: 'INVALID_ARGS'; message: string } }

/**
 * Turns trigger arguments into the named object a handler sees as `$args`: positional arrays map to the
 * tool's `Arg` order, missing args take their defaults, and every value is checked against its type.
 * @example resolveToolArgs(tool, [5]) // {ok: true, value: {step: 5}}
 */
export function resolveToolArgs(tool: ToolDecl, raw: Json[] | JsonObject | undefined): ResolveArgsResult {
  const named = toNamed(tool, raw ?? {})
  if (!named.ok) return named
  const value: JsonObject = {}
  for (const arg of tool.args) {
    const given = Object.hasOwn(named.value, arg.name) ? named.value[arg.name] : undefined
    const resolved = resolveOne(tool, arg, given)
    if (!resolved.ok) return resolved
    if (resolved.value !== undefined) setOwn(value, arg.name, resolved.value)
  }
  return { ok: true, value }
}

function toNamed(tool: ToolDecl, raw: Json[] | JsonObject): ResolveArgsResult {
  const names = tool.args.map((a) => a.name)
  if (Array.isArray(raw)) {
    if (raw.length > names.length) {
      return fail(
        `Tool "${tool.name}" takes ${names.length} argument(s) (${names.join(', ') || 'none'}), but ${raw.length} were given`,
      )
    }
    const value: JsonObject = {}
    raw.forEach((v, i) => setOwn(value, names[i]!, v))
    return { ok: true, value }
  }
  const unknown = Object.keys(raw).filter((k) => !names.includes(k))
  if (unknown.length > 0) {
    const list = unknown.map((k) => `"${k}"`).join(', ')
    return fail(`Tool "${tool.name}" has no argument ${list}; its arguments are: ${names.join(', ') || 'none'}`)
  }
  return { ok: true, value: raw }
}

function resolveOne(
  tool: ToolDecl,
  arg: ArgDecl,
  given: Json | undefined,
): { ok: true; value: Json | undefined } | ResolveArgsFailure {
  if (given === undefined || given === null) {
    if (arg.default !== undefined) return { ok: true, value: structuredClone(arg.default) }
    if (arg.required) return fail(`Tool "${tool.name}" needs the argument "${arg.name}" (${arg.type})`)
    return { ok: true, value: undefined }
  }
  if (!matchesType(arg.type, given)) {
    return fail(
      `Argument "${arg.name}" of tool "${tool.name}" must be a ${describeType(arg)}, not ${JSON.stringify(given)}`,
    )
  }
  return { ok: true, value: given }
}

type ResolveArgsFailure = Extract<ResolveArgsResult, { ok: false }>

function fail(message: string): ResolveArgsFailure {
  return { ok: false, error: { code: 'INVALID_ARGS', message } }
}

function describeType(arg: ArgDecl): string {
  return arg.type === 'number' ? 'finite number' : arg.type
}
