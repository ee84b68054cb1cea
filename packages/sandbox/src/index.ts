export { Sandbox } from './Sandbox.ts'
export { DEFAULT_LIMITS, MAX_STACK_BYTES, MODULE_MEMORY_BYTES } from './limits.ts'
export type { SandboxLimits } from './limits.ts'
export type {
  EmittedEvent,
  HandlerResult,
  HandlerRun,
  LogEntry,
  RunOutcome,
  SandboxErrorCode,
  SandboxFailure,
  SandboxFailureKind,
} from './types.ts'
export { SandboxConfigError, SandboxDisposedError, SandboxError } from './errors.ts'
export { inferCapabilities } from './inferCapabilities.ts'
export { diffJson, jsonEqual } from './diff.ts'
