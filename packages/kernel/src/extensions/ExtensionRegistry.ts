import type { Json } from '@nexus/protocol'
import { KernelError } from '../errors.ts'
import {
  ExtensionError,
  type CallContext,
  type Extension,
  type ExtensionHealth,
  type ExtensionManifest,
} from './Extension.ts'

const NAME = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/

/** Extensions as plugins: registered with a manifest, started and stopped with the kernel, health-checked. */
export class ExtensionRegistry {
  private readonly extensions = new Map<string, Extension>()
  private started = false

  register(extension: Extension): void {
    const { name, methods } = extension.manifest
    if (!NAME.test(name)) throw new Error(`Extension name "${name}" must be dotted lowercase, like "acme.weather"`)
    if (this.extensions.has(name)) throw new Error(`Extension "${name}" is already registered`)
    if (Object.keys(methods).length === 0) throw new Error(`Extension "${name}" declares no methods`)
    this.extensions.set(name, extension)
  }

  has(name: string): boolean {
    return this.extensions.has(name)
  }

  manifests(): ExtensionManifest[] {
    return [...this.extensions.values()].map((e) => e.manifest)
  }

  async start(): Promise<void> {
    for (const e of this.extensions.values()) await e.start?.()
    this.started = true
  }

  async stop(): Promise<void> {
    for (const e of [...this.extensions.values()].reverse()) await e.stop?.().catch(() => undefined)
    this.started = false
  }

  async health(): Promise<Record<string, ExtensionHealth>> {
    const out: Record<string, ExtensionHealth> = {}
    for (const [name, e] of this.extensions) {
      out[name] = await e.health().catch((error: unknown) => ({ ok: false, detail: (error as Error).message }))
    }
    return out
  }

  /** Routes `$ext` calls; unknown extensions and methods fail with a message that says what exists. */
  async call(name: string, method: string, args: Json[], context: CallContext): Promise<Json> {
    if (!this.started) throw new ExtensionError('EXTENSION_UNAVAILABLE', 'Extensions are not started')
    const extension = this.extensions.get(name)
    if (!extension) {
      throw new ExtensionError(
        'EXTENSION_NOT_FOUND',
        `No extension "${name}"; installed: ${[...this.extensions.keys()].join(', ')}`,
      )
    }
    if (!Object.hasOwn(extension.manifest.methods, method)) {
      const known = Object.keys(extension.manifest.methods).join(', ')
      throw new ExtensionError('METHOD_NOT_FOUND', `${name} has no method "${method}" (methods: ${known})`)
    }
    return extension.call(method, args, context)
  }
}

export function unknownExtension(alias: string): KernelError {
  return new KernelError('EXTENSION_NOT_FOUND', `No <Extension alias="${alias}"> in this panel`, 422)
}
