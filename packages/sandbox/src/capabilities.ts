import { parsePointer } from '@nexus/protocol'
import type { PatchOp } from '@nexus/protocol'
import { capabilityError } from './errors.ts'
import type { SandboxError } from './errors.ts'

/** True when `capabilities` holds `<prefix>:<scope>` or `<prefix>:*`. */
export function hasCapability(capabilities: readonly string[], prefix: string, scope: string): boolean {
  return capabilities.includes(`${prefix}:${scope}`) || capabilities.includes(`${prefix}:*`)
}

/** The first state write in `ops` that `capabilities` does not cover, as a CAPABILITY_DENIED error. */
export function checkStateWrites(ops: readonly PatchOp[], capabilities: readonly string[]): SandboxError | undefined {
  for (const op of ops) {
    const key = parsePointer(op.path)[0]
    if (key === undefined) continue
    if (!hasCapability(capabilities, 'state:write', key)) {
      return capabilityError(`wrote ${statePath(key)}`, `state:write:${key}`)
    }
  }
  return undefined
}

/** The CAPABILITY_DENIED error for `$emit(name)`, or undefined when allowed. */
export function checkEmit(name: string, capabilities: readonly string[]): SandboxError | undefined {
  if (hasCapability(capabilities, 'events:emit', name)) return undefined
  return capabilityError(`emitted event ${JSON.stringify(name)}`, `events:emit:${name}`)
}

/** `$state.total` for identifiers, `$state["my key"]` otherwise. */
function statePath(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `$state.${key}` : `$state[${JSON.stringify(key)}]`
}
