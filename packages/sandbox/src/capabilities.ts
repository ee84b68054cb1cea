import { netCapability, netGranted, pointerHead, urlHost } from '@nexus/protocol'
import type { PatchOp } from '@nexus/protocol'
import { capabilityError } from './errors.ts'
import type { SandboxError } from './errors.ts'

/**
 * True when `capabilities` holds `<prefix>:<scope>` or `<prefix>:*`. Compared in place, without building the
 * two strings: on tier 0's path (a few calls per run) the template strings and `includes` cost ~15 % of a run.
 */
export function hasCapability(capabilities: readonly string[], prefix: string, scope: string): boolean {
  const colon = prefix.length
  for (let i = 0; i < capabilities.length; i++) {
    const c = capabilities[i]!
    const rest = c.length - colon - 1
    if (rest < 0 || c.charCodeAt(colon) !== COLON || !c.startsWith(prefix)) continue
    if (rest === 1 && c.charCodeAt(colon + 1) === STAR) return true
    if (rest === scope.length && c.endsWith(scope)) return true
  }
  return false
}
const COLON = 58
const STAR = 42

/** The first state write in `ops` that `capabilities` does not cover, as a CAPABILITY_DENIED error. */
export function checkStateWrites(ops: readonly PatchOp[], capabilities: readonly string[]): SandboxError | undefined {
  for (const op of ops) {
    const key = pointerHead(op.path)
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

/** Top-level state keys the guest may see: `state:read:<key>` or `state:write:<key>` (or their `*`). */
export function canRead(capabilities: readonly string[], key: string): boolean {
  return hasCapability(capabilities, 'state:read', key) || hasCapability(capabilities, 'state:write', key)
}

/** The CAPABILITY_DENIED error for `$view.<cmd>(…)`, or undefined when allowed. */
export function checkView(cmd: string, capabilities: readonly string[]): SandboxError | undefined {
  if (capabilities.includes('view:update') || capabilities.includes('view:*')) return undefined
  return capabilityError(`called $view.${cmd}`, 'view:update')
}

/**
 * The CAPABILITY_DENIED error for a host call, or undefined when allowed: `$ext.<alias>` needs `ext:<alias>`;
 * `$ext.http.*(url, …)` also needs `net:<host of url>` (`net:*` or the host in any spelling, matched by
 * `netGranted` from `@nexus/protocol`, as `nexus.http` does); `$panel.call(id, …)` needs `panel:call:<id>`.
 */
export function checkHostCall(
  kind: 'ext' | 'panel',
  target: string,
  args: readonly unknown[],
  capabilities: readonly string[],
): SandboxError | undefined {
  if (kind === 'panel') {
    if (hasCapability(capabilities, 'panel:call', target)) return undefined
    return capabilityError(`called $panel.call(${JSON.stringify(target)})`, `panel:call:${target}`)
  }
  if (!hasCapability(capabilities, 'ext', target)) return capabilityError(`called $ext.${target}`, `ext:${target}`)
  if (target !== 'http') return undefined
  const url = urlArgument(args[0])
  const host = url === undefined ? undefined : urlHost(url)
  if (host === undefined) return capabilityError('called $ext.http without an absolute http(s) URL', 'net:<host>')
  if (netGranted(capabilities, host)) return undefined
  return capabilityError(`called $ext.http for host ${JSON.stringify(host)}`, netCapability(host))
}

/** The URL of an `$ext.http` call, given as a string or `{ url }`. */
function urlArgument(arg: unknown): string | undefined {
  const text = typeof arg === 'string' ? arg : (arg as { url?: unknown } | null)?.url
  return typeof text === 'string' ? text : undefined
}

/** `$state.total` for identifiers, `$state["my key"]` otherwise. */
function statePath(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `$state.${key}` : `$state[${JSON.stringify(key)}]`
}
