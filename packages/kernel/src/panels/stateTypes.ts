import type { Json, JsonObject, StateDecl, StateType } from '@nexus/protocol'

/** Whether a JSON value fits a declared NXML state type. */
export function fitsType(type: StateType, value: Json | undefined): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string'
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
    case 'boolean':
      return typeof value === 'boolean'
    case 'list':
      return Array.isArray(value)
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value)
  }
}

/** The first declared state whose value no longer fits its type, as a message, or undefined. */
export function findTypeViolation(decls: readonly StateDecl[], state: JsonObject): string | undefined {
  for (const decl of decls) {
    const value = state[decl.name]
    if (!fitsType(decl.type, value)) {
      return `$state.${decl.name} is declared as ${decl.type} but the handler left ${JSON.stringify(value) ?? 'undefined'}`
    }
  }
  return undefined
}
