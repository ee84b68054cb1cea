import { z } from 'zod'

/** The error body of every failed HTTP request and every WebSocket `error` message. */
export const ErrorBodySchema = z.object({
  code: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
})
export type ErrorBody = z.infer<typeof ErrorBodySchema>

/** Error codes shared across the wire. */
export const ERROR_CODES = {
  BAD_REQUEST: 'BAD_REQUEST',
  BAD_MESSAGE: 'BAD_MESSAGE',
  MESSAGE_TOO_LARGE: 'MESSAGE_TOO_LARGE',
  NOT_FOUND: 'NOT_FOUND',
  NXML_INVALID: 'NXML_INVALID',
  TOOL_NOT_FOUND: 'TOOL_NOT_FOUND',
  INVALID_ARGS: 'INVALID_ARGS',
  SANDBOX_TIMEOUT: 'SANDBOX_TIMEOUT',
  SANDBOX_MEMORY: 'SANDBOX_MEMORY',
  SANDBOX_STACK: 'SANDBOX_STACK',
  CAPABILITY_DENIED: 'CAPABILITY_DENIED',
  HANDLER_ERROR: 'HANDLER_ERROR',
  STATE_INVALID: 'STATE_INVALID',
  INTERNAL: 'INTERNAL',
} as const
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES]
