import { netGranted, type ExtensionErrorCode, type Json } from '@nexus/protocol'

/** What an extension declares about itself: shown to users, checked by the registry. */
export interface ExtensionManifest {
  /** Dotted name used in NXML: `<Extension name="nexus.http" alias="http" />`. */
  name: string
  version: string
  description: string
  methods: Record<string, { description: string }>
}

/** Who is calling, from where, with which granted capabilities. */
export interface CallContext {
  panelId: string
  workspaceId: string
  capabilities: readonly string[]
}

export interface ExtensionHealth {
  ok: boolean
  detail?: string
}

/**
 * A plugin behind `$ext.<alias>.<method>(...)`. The registry starts it, asks its health, routes calls to it
 * and stops it; `call` validates its own arguments and throws `ExtensionError` for expected failures.
 */
export interface Extension {
  manifest: ExtensionManifest
  start?(): Promise<void>
  stop?(): Promise<void>
  health(): Promise<ExtensionHealth>
  call(method: string, args: Json[], context: CallContext): Promise<Json>
}

/** An expected extension failure; the message reaches the handler as the rejection of its `await`. */
export class ExtensionError extends Error {
  override readonly name = 'ExtensionError'
  constructor(
    readonly code: ExtensionErrorCode,
    message: string,
  ) {
    super(message)
  }
}

/**
 * Whether `capabilities` grant `needed` exactly or through a `*` scope (`ext:*`). A `net:` scope is a host
 * that may hold colons (`net:[::1]`): it is matched in its canonical form by `netGranted`, as the sandbox does.
 */
export function granted(capabilities: readonly string[], needed: string): boolean {
  if (needed.startsWith('net:')) return netGranted(capabilities, needed.slice('net:'.length))
  const kind = needed.slice(0, needed.lastIndexOf(':') + 1)
  return capabilities.includes(needed) || capabilities.includes(`${kind}*`)
}
