import type { JsonObject, StateDecl } from '@nexus/protocol'
import { matchesType } from '@nexus/reactor'

/** The first declared state whose value no longer fits its type, as a message, or undefined. */
export function findTypeViolation(decls: readonly StateDecl[], state: JsonObject): string | undefined {
  for (const decl of decls) {
    const value = state[decl.name]
    if (value === undefined || !matchesType(decl.type, value)) {
      return `$state.${decl.name} is declared as ${decl.type} but the handler left ${JSON.stringify(value) ?? 'undefined'}`
    }
  }
  return undefined
}
