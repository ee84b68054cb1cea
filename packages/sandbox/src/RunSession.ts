import type { Json } from '@nexus/protocol'
import { checkEmit, checkHostCall, checkView } from './capabilities.ts'
import { handlerError, outputLimitError } from './errors.ts'
import type { SandboxError } from './errors.ts'
import { jsonShapeProblem, utf8Length } from './jsonShape.ts'
import type { SandboxLimits } from './limits.ts'
import type { EmittedEvent, LogEntry, ViewCommand } from './types.ts'

const LEVELS = new Set(['info', 'warn', 'error'])
/** Longest single log message kept, in UTF-16 units (the guest cuts it before it crosses). */
export const MAX_LOG_CHARS = 4 * 1024
/** Most log text one run keeps, in UTF-16 units, so an error body carrying the logs stays small. */
export const MAX_LOG_RUN_CHARS = 64 * 1024
/** The level the guest prelude logs with when it drops an entry (only the count crosses). */
export const LOG_DROPPED = 'dropped'

/**
 * What one run's host functions record: logs, events, and the first fatal problem. A fatal problem
 * (a denied emit, a limit) fails the run even if the guest catches the error thrown at it.
 */
export class RunSession {
  readonly events: EmittedEvent[] = []
  readonly view: ViewCommand[] = []
  hostCalls = 0
  fatal: SandboxError | undefined
  readonly #logs: LogEntry[] = []
  #droppedLogs = 0
  #logChars = 0
  #eventBytes = 0

  readonly capabilities: readonly string[]
  readonly limits: SandboxLimits

  readonly #onLog: ((entry: LogEntry) => void) | undefined

  constructor(capabilities: readonly string[], limits: SandboxLimits, onLog?: (entry: LogEntry) => void) {
    this.capabilities = capabilities
    this.limits = limits
    this.#onLog = onLog
  }

  /** `$log` from the guest; returns an error message to throw into the guest, if any. */
  log(level: string, message: string): string | undefined {
    if (level === LOG_DROPPED) return void this.#droppedLogs++
    if (!LEVELS.has(level)) return `unknown log level "${level}"`
    const room = Math.min(MAX_LOG_CHARS, MAX_LOG_RUN_CHARS - this.#logChars)
    if (this.#logs.length >= this.limits.maxLogs || room <= 0) return void this.#droppedLogs++
    const text = message.length > room ? `${message.slice(0, room - 1)}…` : message
    this.#logChars += text.length
    const entry: LogEntry = { level: level as LogEntry['level'], message: text }
    this.#logs.push(entry)
    this.#onLog?.(entry)
    return undefined
  }

  /** `$emit` from the guest, with its payload already JSON text. */
  emit(name: string, payloadJson: string): string | undefined {
    if (this.fatal) return this.fatal.message
    const denied = checkEmit(name, this.capabilities)
    if (denied) return this.#fail(denied)
    this.#eventBytes += utf8Length(payloadJson) + utf8Length(name)
    if (this.#eventBytes > this.limits.maxOutputBytes) {
      return this.#fail(
        outputLimitError(`emitted events exceed limits.maxOutputBytes (${this.limits.maxOutputBytes}); emit less`),
      )
    }
    const full = this.#recordedFull('events')
    if (full) return full
    const payload = JSON.parse(payloadJson) as Json
    const problem = jsonShapeProblem(payload, `the payload of event "${name}"`)
    if (problem) return this.#fail(handlerError(problem))
    this.events.push({ name, payload })
    return undefined
  }

  /** `$view.<cmd>(id, ...args)` from the guest, with the arguments already JSON text. */
  viewCommand(cmd: string, id: string, argsJson: string): string | undefined {
    if (this.fatal) return this.fatal.message
    const denied = checkView(cmd, this.capabilities)
    if (denied) return this.#fail(denied)
    const full = this.#recordedFull('view commands')
    if (full) return full
    this.#eventBytes += utf8Length(argsJson) + utf8Length(cmd) + utf8Length(id)
    if (this.#eventBytes > this.limits.maxOutputBytes) {
      return this.#fail(outputLimitError(`view commands and events exceed limits.maxOutputBytes; record less`))
    }
    const args = JSON.parse(argsJson) as Json[]
    const problem = jsonShapeProblem(args, `the arguments of $view.${cmd}`)
    if (problem) return this.#fail(handlerError(problem))
    this.view.push({ cmd, id, args })
    return undefined
  }

  /** A host call about to be made: checks its capability and the call budget; returns a problem to throw. */
  hostCall(kind: 'ext' | 'panel', target: string, args: readonly Json[]): string | undefined {
    if (this.fatal) return this.fatal.message
    const denied = checkHostCall(kind, target, args, this.capabilities)
    if (denied) return this.#fail(denied)
    if (++this.hostCalls > this.limits.maxHostCalls) {
      return this.#fail(
        outputLimitError(`handler made more than limits.maxHostCalls (${this.limits.maxHostCalls}) host calls`),
      )
    }
    return undefined
  }

  /** Records a fatal problem found outside a host function (e.g. at a flush). */
  failWith(error: SandboxError): void {
    this.fatal ??= error
  }

  #recordedFull(what: string): string | undefined {
    if (this.events.length + this.view.length < this.limits.maxEvents) return undefined
    return this.#fail(
      outputLimitError(`handler recorded more than limits.maxEvents (${this.limits.maxEvents}) ${what}; record fewer`),
    )
  }

  /** The logs, plus one warning when some were dropped at the limit. */
  logs(): LogEntry[] {
    if (this.#droppedLogs === 0) return [...this.#logs]
    const note = `… ${this.#droppedLogs} log lines dropped (a run keeps ${this.limits.maxLogs} entries, ${MAX_LOG_RUN_CHARS} characters)`
    return [...this.#logs, { level: 'warn', message: note }]
  }

  #fail(error: SandboxError): string {
    this.fatal ??= error
    return error.message
  }
}
