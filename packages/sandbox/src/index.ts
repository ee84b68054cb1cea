export { Sandbox } from './Sandbox.ts'
export type { SandboxOptions } from './Sandbox.ts'
export { DEFAULT_LIMITS, MAX_STACK_BYTES, MODULE_MEMORY_BYTES, WATCHDOG_GRACE_MS } from './limits.ts'
export type { SandboxLimits } from './limits.ts'
export type {
  EmittedEvent,
  HandlerResult,
  HandlerRun,
  HostBridge,
  LogEntry,
  RunOutcome,
  SandboxErrorCode,
  SandboxFailure,
  SandboxFailureKind,
  ViewCommand,
} from './types.ts'
export { SandboxConfigError, SandboxDisposedError, SandboxError } from './errors.ts'
export { inferCapabilities } from './inferCapabilities.ts'
export { diffJson, jsonEqual } from './diff.ts'
