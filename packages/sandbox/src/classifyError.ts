import { handlerError, memoryError, stackError } from './errors.ts'
import type { SandboxError } from './errors.ts'
import type { GuestError } from './execute.ts'
import { HANDLER_FILE, WRAPPER_LINES_BEFORE } from './guestPrelude.ts'
import type { SandboxLimits } from './limits.ts'

export interface ErrorContext {
  code: string
  /** NXML line where the code starts. */
  line: number
  limits: SandboxLimits
  /** The module's WASM memory grew during the run or sits at its cap. */
  memoryPressure: boolean
}

const MEMORY_MESSAGES = new Set(['out of memory', 'string too long'])

/** Maps an exception that escaped the guest to MEMORY, STACK or HANDLER_ERROR (with its NXML line). */
export function classifyGuestError(error: GuestError, ctx: ErrorContext): SandboxError {
  if (error.name === 'InternalError' && MEMORY_MESSAGES.has(error.message)) return memoryError(ctx.limits.memoryBytes)
  // When QuickJS cannot even allocate its "out of memory" error it throws null instead; a guest that
  // throws null itself is indistinguishable and is reported the same way (the message says so).
  if (error.nullish === 'null') return memoryError(ctx.limits.memoryBytes, true)
  // QuickJS reports the regex compiler's and JSON.parse's depth checks as SyntaxError: stack overflow.
  if (error.message === 'stack overflow' && (error.name === 'InternalError' || error.name === 'SyntaxError')) {
    return stackError(ctx.limits.stackBytes)
  }
  const text = error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message
  return handlerError(text, nxmlLine(error.stack, ctx))
}

/** Maps a host-side engine failure (the module is then discarded). */
export function classifyCrash(error: unknown, ctx: ErrorContext): SandboxError {
  if (error instanceof RangeError) return stackError(ctx.limits.stackBytes)
  if (ctx.memoryPressure) return memoryError(ctx.limits.memoryBytes)
  const message = error instanceof Error ? error.message : String(error)
  return handlerError(`the sandbox engine failed (${message}) and was reset; report this if it recurs`)
}

/** The NXML line of the innermost handler frame in a QuickJS stack (`at f (nexus-handler.js:4:16)`). */
export function nxmlLine(stack: string | undefined, ctx: Pick<ErrorContext, 'code' | 'line'>): number | undefined {
  const match = stack?.match(new RegExp(`${HANDLER_FILE.replace('.', '\\.')}:(\\d+)`))
  if (!match?.[1]) return undefined
  const codeLines = ctx.code.split('\n').length
  const codeLine = Math.min(Math.max(Number(match[1]) - WRAPPER_LINES_BEFORE, 1), codeLines)
  return ctx.line + codeLine - 1
}
