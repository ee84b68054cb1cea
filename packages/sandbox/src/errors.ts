import type { LogEntry, SandboxErrorCode, SandboxFailure, SandboxFailureKind } from './types.ts'

const KIND: Record<SandboxErrorCode, SandboxFailureKind> = {
  SANDBOX_TIMEOUT: 'TIMEOUT',
  SANDBOX_MEMORY: 'MEMORY',
  SANDBOX_STACK: 'STACK',
  CAPABILITY_DENIED: 'CAPABILITY_DENIED',
  HANDLER_ERROR: 'HANDLER_ERROR',
  SANDBOX_OUTPUT_LIMIT: 'OUTPUT_LIMIT',
}

/** Codes whose runtime (and module) must never be reused. */
export const FATAL_CODES: ReadonlySet<SandboxErrorCode> = new Set([
  'SANDBOX_TIMEOUT',
  'SANDBOX_MEMORY',
  'SANDBOX_STACK',
])

/** An expected run failure; {@link Sandbox.run} returns it as a value via {@link SandboxError.toFailure}. */
export class SandboxError extends Error {
  readonly code: SandboxErrorCode
  readonly line: number | undefined
  readonly capability: string | undefined

  constructor(code: SandboxErrorCode, message: string, extra: { line?: number; capability?: string } = {}) {
    super(message)
    this.name = 'SandboxError'
    this.code = code
    this.line = extra.line
    this.capability = extra.capability
  }

  get kind(): SandboxFailureKind {
    return KIND[this.code]
  }

  toFailure(logs: LogEntry[]): SandboxFailure {
    const failure: SandboxFailure = { code: this.code, kind: this.kind, message: this.message, logs }
    if (this.line !== undefined) failure.line = this.line
    if (this.capability !== undefined) failure.capability = this.capability
    return failure
  }
}

/** Thrown (not returned) for programmer errors: bad limits, a bad request shape. */
export class SandboxConfigError extends Error {
  readonly code = 'SANDBOX_CONFIG'
  constructor(message: string) {
    super(message)
    this.name = 'SandboxConfigError'
  }
}

/** Thrown when a disposed {@link Sandbox} is used. */
export class SandboxDisposedError extends Error {
  readonly code = 'SANDBOX_DISPOSED'
  constructor() {
    super('this Sandbox was disposed; create a new one with Sandbox.create()')
    this.name = 'SandboxDisposedError'
  }
}

export function timeoutError(timeoutMs: number): SandboxError {
  return new SandboxError(
    'SANDBOX_TIMEOUT',
    `handler ran past its ${timeoutMs} ms deadline; do less work per run or raise limits.timeoutMs`,
  )
}

export function neverSettlesError(): SandboxError {
  return new SandboxError(
    'SANDBOX_TIMEOUT',
    'handler awaited a promise that can never settle (nothing is left to run); make sure every awaited promise resolves',
  )
}

export function memoryError(memoryBytes: number, viaNull = false): SandboxError {
  const note = viaNull ? ' (the engine threw null, which is how it reports memory exhaustion; do not throw null)' : ''
  return new SandboxError(
    'SANDBOX_MEMORY',
    `handler ran out of memory (limit ${memoryBytes} bytes)${note}; build smaller values or raise limits.memoryBytes`,
  )
}

export function stackError(stackBytes: number): SandboxError {
  return new SandboxError(
    'SANDBOX_STACK',
    `handler overflowed the stack (limit ${stackBytes} bytes); replace deep recursion with a loop or flatten nested data`,
  )
}

export function handlerError(message: string, line?: number): SandboxError {
  return new SandboxError('HANDLER_ERROR', message, line === undefined ? {} : { line })
}

export function outputLimitError(message: string): SandboxError {
  return new SandboxError('SANDBOX_OUTPUT_LIMIT', message)
}

export function capabilityError(action: string, capability: string): SandboxError {
  return new SandboxError(
    'CAPABILITY_DENIED',
    `handler ${action} but the tool lacks capability "${capability}"; declare it in the tool's <Capabilities>`,
    { capability },
  )
}
