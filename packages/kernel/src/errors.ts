import type { ErrorCode, KernelErrorBody } from '@nexus/protocol'
import type { SandboxErrorCode } from '@nexus/sandbox'

type WireCode<T extends ErrorCode> = T
/** A failed run's code crosses the wire as is (`PanelService.trigger`): every sandbox code is a protocol code. */
export type SandboxWireCode = WireCode<SandboxErrorCode>

/** An expected kernel failure: a stable `code`, an HTTP status, and a message that says what to do. */
export class KernelError extends Error {
  override readonly name = 'KernelError'
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status: number,
    readonly details?: unknown,
  ) {
    super(message)
  }

  toBody(): KernelErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details }
  }
}

export function notFound(what: string): KernelError {
  return new KernelError('NOT_FOUND', `${what} was not found`, 404)
}

/** Renders a zod error as one line with the path of each problem. */
export function describeZodError(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return error.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `At ${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ')
}

/**
 * Absence is not failure: resolves `undefined` only when `promise` rejects with NOT_FOUND; any other
 * rejection (a database down, a bug) is rethrown so it surfaces as a 500 with its cause logged.
 *
 * @example const panel = await unlessNotFound(panels.get(id)) // undefined → 404, a DB error → 500
 */
export async function unlessNotFound<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise
  } catch (error) {
    if (error instanceof KernelError && error.code === 'NOT_FOUND') return undefined
    throw error
  }
}
