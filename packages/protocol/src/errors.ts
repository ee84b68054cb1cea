import { z } from 'zod'

/**
 * Every error code that crosses the wire: HTTP error bodies, WebSocket `error` messages, and the codes of
 * failed runs (the sandbox's `SandboxErrorCode` is a subset; the kernel's typecheck holds it to that).
 * `docs/api.md` has the table of codes and statuses.
 */
export const ERROR_CODES = {
  // Any route
  BAD_REQUEST: 'BAD_REQUEST',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  NOT_FOUND: 'NOT_FOUND',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  INTERNAL: 'INTERNAL',
  NOT_READY: 'NOT_READY',
  UNAVAILABLE: 'UNAVAILABLE',
  SHUTTING_DOWN: 'SHUTTING_DOWN',
  /** Startup only: another kernel holds this database. */
  DATABASE_IN_USE: 'DATABASE_IN_USE',
  // WebSocket frames
  BAD_MESSAGE: 'BAD_MESSAGE',
  MESSAGE_TOO_LARGE: 'MESSAGE_TOO_LARGE',
  // Accounts and workspaces
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  SETUP_DONE: 'SETUP_DONE',
  REGISTRATION_CLOSED: 'REGISTRATION_CLOSED',
  REGISTRATION_FAILED: 'REGISTRATION_FAILED',
  WEAK_PASSWORD: 'WEAK_PASSWORD',
  ALREADY_MEMBER: 'ALREADY_MEMBER',
  LAST_OWNER: 'LAST_OWNER',
  // Panels, triggers and their history
  NXML_INVALID: 'NXML_INVALID',
  TOOL_NOT_FOUND: 'TOOL_NOT_FOUND',
  INVALID_ARGS: 'INVALID_ARGS',
  STATE_INVALID: 'STATE_INVALID',
  BIND_INVALID: 'BIND_INVALID',
  NOT_TRASHED: 'NOT_TRASHED',
  EXTENSION_NOT_FOUND: 'EXTENSION_NOT_FOUND',
  HANDLER_CHANGED: 'HANDLER_CHANGED',
  NOT_A_HANDLER_RUN: 'NOT_A_HANDLER_RUN',
  NOT_REPLAYABLE: 'NOT_REPLAYABLE',
  // Handler runs (the sandbox)
  SANDBOX_TIMEOUT: 'SANDBOX_TIMEOUT',
  SANDBOX_MEMORY: 'SANDBOX_MEMORY',
  SANDBOX_STACK: 'SANDBOX_STACK',
  SANDBOX_OUTPUT_LIMIT: 'SANDBOX_OUTPUT_LIMIT',
  CAPABILITY_DENIED: 'CAPABILITY_DENIED',
  HANDLER_ERROR: 'HANDLER_ERROR',
  // The object graph
  BAD_FILTER: 'BAD_FILTER',
  NO_PATH: 'NO_PATH',
  NOG_DERIVED: 'NOG_DERIVED',
  PATCH_FAILED: 'PATCH_FAILED',
  PATCH_NOT_PENDING: 'PATCH_NOT_PENDING',
  NOG_HISTORY_INCOMPLETE: 'NOG_HISTORY_INCOMPLETE',
} as const
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES]

/**
 * The codes an `$ext.<alias>.<method>(…)` or `$panel.call(…)` rejection starts with inside a handler
 * (`"FANOUT_LIMIT: …"`): what handler code may test for. `docs/api.md` describes each extension's.
 */
export const EXTENSION_ERROR_CODES = {
  // Any extension call
  EXTENSION_NOT_DECLARED: 'EXTENSION_NOT_DECLARED',
  EXTENSION_NOT_FOUND: 'EXTENSION_NOT_FOUND',
  EXTENSION_UNAVAILABLE: 'EXTENSION_UNAVAILABLE',
  METHOD_NOT_FOUND: 'METHOD_NOT_FOUND',
  CAPABILITY_DENIED: 'CAPABILITY_DENIED',
  BAD_ARGUMENT: 'BAD_ARGUMENT',
  // $panel.call and cross-panel events
  CALL_CYCLE: 'CALL_CYCLE',
  CALL_TOO_DEEP: 'CALL_TOO_DEEP',
  FANOUT_LIMIT: 'FANOUT_LIMIT',
  // nexus.http
  HOST_NOT_ALLOWED: 'HOST_NOT_ALLOWED',
  TIMEOUT: 'TIMEOUT',
  NETWORK: 'NETWORK',
  RESPONSE_TOO_LARGE: 'RESPONSE_TOO_LARGE',
  // nexus.storage
  TOO_MANY_KEYS: 'TOO_MANY_KEYS',
  VALUE_TOO_LARGE: 'VALUE_TOO_LARGE',
  // nexus.sql
  NO_SUCH_SOURCE: 'NO_SUCH_SOURCE',
  STATEMENT_REFUSED: 'STATEMENT_REFUSED',
  QUERY_FAILED: 'QUERY_FAILED',
  QUERY_TIMEOUT: 'QUERY_TIMEOUT',
  RESULT_TOO_LARGE: 'RESULT_TOO_LARGE',
} as const
export type ExtensionErrorCode = (typeof EXTENSION_ERROR_CODES)[keyof typeof EXTENSION_ERROR_CODES]

const KNOWN: ReadonlySet<string> = new Set(Object.values(ERROR_CODES))

/** Whether `code` is one this protocol version knows (an older or newer server may send others). */
export function isErrorCode(code: string): code is ErrorCode {
  return KNOWN.has(code)
}

/**
 * The error body of every failed HTTP request and every WebSocket `error` message. `code` parses as any
 * string so a client keeps working against a newer server; the kernel only sends {@link ErrorCode}s.
 */
export const ErrorBodySchema = z.object({
  code: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
})
export type ErrorBody = z.infer<typeof ErrorBodySchema>
/** What the kernel sends: an {@link ErrorBody} whose code is known. */
export type KernelErrorBody = ErrorBody & { code: ErrorCode }

/** A failed HTTP request's whole answer. */
export const ErrorResponseSchema = z.object({ error: ErrorBodySchema })
