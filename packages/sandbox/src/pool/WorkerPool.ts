import { availableParallelism } from 'node:os'
import { MessageChannel, Worker } from 'node:worker_threads'
import type { MessagePort } from 'node:worker_threads'
import type { Json } from '@nexus/protocol'
import { checkHostCall, checkStateWrites } from '../capabilities.ts'
import { SandboxDisposedError, SandboxError } from '../errors.ts'
import { WATCHDOG_GRACE_MS } from '../limits.ts'
import type { HostBridge, LogEntry, RunOutcome, SandboxErrorCode } from '../types.ts'
import type { FromWorker, ToWorker, WorkerRun } from './messages.ts'
import {
  RunEncoder,
  newSharedChannel,
  ON_PORT,
  readText,
  signal,
  Spinner,
  whenChanged,
  Word,
  writeText,
} from './sharedChannel.ts'
import type { SharedChannel } from './sharedChannel.ts'
import { isJsonData } from './isJsonData.ts'

const ENTRY = new URL('../worker/entry.mjs', import.meta.url)
/** Node's own limits on each worker's JS heap and thread stack (the QuickJS WASM memory is capped separately). */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 32, stackSizeMb: 16 }

interface Ticket {
  run: WorkerRun
  host: HostBridge | undefined
  /** Log entries streamed from the worker so far (already bounded by limits.maxLogs there). */
  logs: LogEntry[]
  /** Messages of this run received so far, and how many the worker posted (known once it answered). */
  received: number
  posted: number | undefined
  answer: RunOutcome | undefined
  resolve(outcome: RunOutcome): void
}

interface Slot {
  worker: Worker
  /** Requests and answers (pool/sharedChannel.ts); `inbox` carries what does not fit, and host-call replies. */
  channel: SharedChannel
  inbox: MessagePort
  ready: boolean
  ticket: Ticket | undefined
  /** When the run in flight overruns (`performance.now()`): the pool's one watchdog timer checks it. */
  deadline: number
  /** When the run in flight was signalled, and whether the next one spins for its answer (see #send). */
  sentAt: number
  spin: boolean
}

/**
 * How long `run()` polls for the answer of a run it just handed to an awake worker before it waits without
 * blocking (`Atomics.waitAsync`, whose wake-up cost ~10–20 µs here). Only when nothing else is queued, only
 * after the previous run on that worker answered quickly, and at most this long: the caller's event loop is
 * held for no more than this per `run()` call.
 */
export const ANSWER_SPIN_MS = 0.03

/**
 * Worker threads that each hold a QuickJS engine. One run per worker at a time; a watchdog on this thread
 * terminates and replaces a worker whose run overruns `timeoutMs + WATCHDOG_GRACE_MS`, so no guest code —
 * not even a built-in call that ignores QuickJS's interrupt handler — can hold the caller's event loop.
 * Idle workers are unref'd, so the pool never keeps the process alive.
 */
export class WorkerPool {
  readonly size: number
  readonly #slots: Slot[] = []
  readonly #queue: Ticket[] = []
  readonly #encoder = new RunEncoder()
  readonly #spinner = new Spinner()
  /** One timer for every worker's deadline, armed for the earliest (see #armWatchdog). */
  #watchdog: NodeJS.Timeout | undefined
  #watchdogAt = Infinity
  #disposed = false
  /** Workers replaced after a watchdog kill or a crash (for tests and reports). */
  replaced = 0

  constructor(size = Math.max(1, Math.min(2, availableParallelism()))) {
    this.size = size
    for (let i = 0; i < size; i++) this.#slots.push(this.#spawn())
  }

  /** Resolves when every worker has loaded its engine. */
  async ready(): Promise<void> {
    while (!this.#disposed && this.#slots.some((slot) => !slot.ready)) await new Promise((r) => setTimeout(r, 5))
  }

  run(run: WorkerRun, host: HostBridge | undefined): Promise<RunOutcome> {
    if (this.#disposed) return Promise.reject(new SandboxDisposedError())
    return new Promise((resolve) => {
      this.#queue.push({ run, host, logs: [], received: 0, posted: undefined, answer: undefined, resolve })
      this.#dispatch(this.#queue.length === 1)
    })
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return
    this.#disposed = true
    clearTimeout(this.#watchdog)
    const slots = this.#slots.splice(0)
    for (const slot of slots) {
      const ticket = slot.ticket
      slot.ticket = undefined
      ticket?.resolve(failure('HANDLER_ERROR', 'the sandbox was disposed while this handler ran'))
      release(slot)
    }
    for (const ticket of this.#queue.splice(0)) {
      ticket.resolve(failure('HANDLER_ERROR', 'the sandbox was disposed before this handler ran'))
    }
    await Promise.all(slots.map((slot) => slot.worker.terminate()))
  }

  #spawn(): Slot {
    const channel = newSharedChannel()
    const { port1: inbox, port2 } = new MessageChannel()
    const worker = new Worker(ENTRY, {
      execArgv: [],
      resourceLimits: RESOURCE_LIMITS,
      stdout: false,
      workerData: { buffer: channel.control.buffer, inbox: port2 },
      transferList: [port2],
    })
    const slot: Slot = {
      worker,
      channel,
      inbox,
      ready: false,
      ticket: undefined,
      deadline: Infinity,
      sentAt: 0,
      spin: true,
    }
    worker.unref()
    worker.on('message', (message: FromWorker) => this.#onMessage(slot, message))
    worker.on('error', (error: Error & { code?: string }) => {
      const memory = error.code === 'ERR_WORKER_OUT_OF_MEMORY'
      this.#replace(
        slot,
        memory
          ? failure('SANDBOX_MEMORY', 'handler exhausted the sandbox worker heap; build smaller values')
          : failure('HANDLER_ERROR', `the sandbox worker failed (${error.message}) and was replaced`),
      )
    })
    worker.on('exit', () => {
      if (this.#slots.includes(slot)) {
        this.#replace(slot, failure('HANDLER_ERROR', 'the sandbox worker exited and was replaced'))
      }
    })
    return slot
  }

  /** Hands queued runs to free workers; `spin` only for a run() call that found the queue empty. */
  #dispatch(spin = false): void {
    for (const slot of this.#slots) {
      if (this.#queue.length === 0) return
      if (!slot.ready || slot.ticket) continue
      const ticket = this.#queue.shift()!
      slot.ticket = ticket
      slot.worker.ref()
      slot.deadline = performance.now() + ticket.run.limits.timeoutMs + WATCHDOG_GRACE_MS
      this.#armWatchdog(slot.deadline)
      this.#send(slot, ticket, spin && this.#queue.length === 0)
    }
  }

  /**
   * Makes sure the watchdog timer fires by `deadline`. One timer serves every worker: a run that ends leaves
   * it armed, and when it fires it stops the overrunning workers and re-arms for the earliest deadline left,
   * so a steady stream of short runs costs one timer per `timeoutMs` instead of one per run.
   */
  #armWatchdog(deadline: number): void {
    if (this.#watchdog !== undefined && this.#watchdogAt <= deadline) return
    clearTimeout(this.#watchdog)
    this.#watchdogAt = deadline
    // Unref'd: a run in flight keeps the process alive through its worker (ref'd while it runs).
    this.#watchdog = setTimeout(() => this.#onWatchdog(), Math.max(0, deadline - performance.now())).unref()
  }

  #onWatchdog(): void {
    this.#watchdog = undefined
    this.#watchdogAt = Infinity
    if (this.#disposed) return
    const now = performance.now()
    let next = Infinity
    for (const slot of [...this.#slots]) {
      const ticket = slot.ticket
      if (!ticket) continue
      if (slot.deadline > now) next = Math.min(next, slot.deadline)
      else {
        const { timeoutMs } = ticket.run.limits
        this.#replace(
          slot,
          failure(
            'SANDBOX_TIMEOUT',
            `handler ran past its ${timeoutMs} ms deadline inside a built-in call and was stopped by the watchdog; do less work per run or raise limits.timeoutMs`,
          ),
        )
      }
    }
    if (next < Infinity) this.#armWatchdog(next)
  }

  /**
   * Hands a run to the worker: its text in shared memory when it fits, else posted; then waits for the answer.
   * With `spin`, first polls the answer word for up to {@link ANSWER_SPIN_MS} (a fast handler's answer is then
   * read in this same turn, with no wake-up of this thread at all).
   */
  #send(slot: Slot, ticket: Ticket, spin: boolean): void {
    const { control } = slot.channel
    let bytes = ON_PORT
    // WASI runs carry bytes, and a state JSON would change (NaN, -0, undefined, Dates) must reach the worker as
    // it is, so the ops are against the caller's actual values: both are posted as objects.
    // Args that JSON cannot write (BigInt) also go as objects, so the worker reports them as before.
    const text = ticket.run.wasi || !isJsonData(ticket.run.state) ? undefined : this.#encode(ticket.run)
    if (text === undefined) slot.inbox.postMessage({ t: 'run', run: ticket.run } satisfies ToWorker)
    else {
      bytes = writeText(slot.channel, text)
      if (bytes === ON_PORT) slot.inbox.postMessage({ t: 'run', text } satisfies ToWorker)
    }
    Atomics.store(control, Word.RequestBytes, bytes)
    const done = Atomics.load(control, Word.DoneSeq)
    Atomics.add(control, Word.RunSeq, 1)
    signal(control, Word.Doorbell)
    slot.sentAt = performance.now()
    if (spin && slot.spin && bytes !== ON_PORT && this.#spinner.spin(control, Word.DoneSeq, done, ANSWER_SPIN_MS)) {
      return this.#onAnswer(slot, ticket)
    }
    whenChanged(control, Word.DoneSeq, done, () => this.#onAnswer(slot, ticket))
  }

  #encode(run: WorkerRun): string | undefined {
    try {
      return this.#encoder.encode(run)
    } catch {
      return undefined
    }
  }

  /** The worker signalled its answer: read it (unless it was posted) and note how many messages preceded it. */
  #onAnswer(slot: Slot, ticket: Ticket): void {
    if (slot.ticket !== ticket) return
    // Spin for the next run's answer only while answers come back within twice the spin (a slower handler
    // would hold the caller's loop for nothing).
    slot.spin = performance.now() - slot.sentAt <= 2 * ANSWER_SPIN_MS
    const { control } = slot.channel
    const bytes = Atomics.load(control, Word.DoneBytes)
    if (bytes !== ON_PORT) ticket.answer = JSON.parse(readText(slot.channel, bytes)) as RunOutcome
    ticket.posted = Atomics.load(control, Word.Posted)
    this.#complete(slot, ticket)
  }

  /** Resolves the run once its answer and every message posted before it have arrived. */
  #complete(slot: Slot, ticket: Ticket): void {
    if (ticket.answer === undefined || ticket.posted === undefined || ticket.received < ticket.posted) return
    slot.ticket = undefined
    slot.deadline = Infinity
    slot.worker.unref()
    ticket.resolve(recheck(ticket.answer, ticket.run))
    this.#dispatch()
  }

  /** A host-call reply: posted, then announced (the worker reads its inbox only when woken). */
  #post(slot: Slot, message: ToWorker): void {
    slot.inbox.postMessage(message)
    signal(slot.channel.control, Word.Doorbell)
  }

  /** Ends `slot`'s run with `outcome`, terminates its worker and starts a replacement. */
  #replace(slot: Slot, outcome: RunOutcome): void {
    const index = this.#slots.indexOf(slot)
    if (index < 0) return
    const ticket = slot.ticket
    slot.ticket = undefined
    this.#slots.splice(index, 1)
    release(slot)
    void slot.worker.terminate()
    // The worker cannot answer any more: report the logs it streamed before it was stopped.
    if (ticket && !outcome.ok) ticket.resolve({ ok: false, error: { ...outcome.error, logs: ticket.logs } })
    else ticket?.resolve(outcome)
    if (this.#disposed) return
    this.replaced++
    this.#slots.push(this.#spawn())
  }

  #onMessage(slot: Slot, message: FromWorker): void {
    if (message.t === 'ready') {
      slot.ready = true
      return this.#dispatch()
    }
    const ticket = slot.ticket
    if (!ticket || ticket.run.id !== message.id) return
    ticket.received++
    if (message.t === 'done') ticket.answer = message.outcome
    else if (message.t === 'log') ticket.logs.push(message.entry)
    else if (message.t === 'flush') {
      if (!checkStateWrites(message.ops, ticket.run.capabilities)) {
        try {
          ticket.host?.onFlush?.(message.ops, message.state)
        } catch {
          // onFlush must not throw; a throwing host cannot take the run (or the pool) down.
        }
      }
    } else void this.#hostCall(slot, ticket, message)
    this.#complete(slot, ticket)
  }

  async #hostCall(slot: Slot, ticket: Ticket, call: Extract<FromWorker, { t: 'call' }>): Promise<void> {
    const { id, callId } = call
    let reply: ToWorker
    try {
      const value = await invoke(ticket, call)
      reply = { t: 'reply', id, callId, ok: true, json: JSON.stringify(value ?? null) }
    } catch (error) {
      reply = { t: 'reply', id, callId, ok: false, message: error instanceof Error ? error.message : String(error) }
    }
    if (slot.ticket === ticket) this.#post(slot, reply)
  }
}

/** Calls the host for one guest call, re-checking its capability on this side of the boundary. */
async function invoke(ticket: Ticket, call: Extract<FromWorker, { t: 'call' }>): Promise<Json> {
  const denied = checkHostCall(call.kind, call.target, call.args, ticket.run.capabilities)
  if (denied) throw denied
  const host = ticket.host
  if (call.kind === 'panel') {
    if (!host?.panelCall) throw new Error('$panel.call is not available here')
    return host.panelCall(call.target, call.method, call.args[0] ?? null)
  }
  if (!host?.ext) throw new Error(`$ext.${call.target} is not available here`)
  return host.ext(call.target, call.method, call.args)
}

/** The worker's outcome with its state writes re-checked against the run's capabilities. */
function recheck(outcome: RunOutcome, run: WorkerRun): RunOutcome {
  if (!outcome.ok) return outcome
  const denied = checkStateWrites(outcome.value.ops, run.capabilities)
  if (denied) return { ok: false, error: denied.toFailure(outcome.value.logs) }
  outcome.value.now = run.now // as given, -0 included (JSON text cannot keep its sign)
  return outcome
}

/** Ends a pending wait on a slot that is going away (it settles and is dropped) and closes its port. */
function release(slot: Slot): void {
  signal(slot.channel.control, Word.DoneSeq)
  slot.inbox.close()
}

function failure(code: SandboxErrorCode, message: string): RunOutcome {
  return { ok: false, error: new SandboxError(code, message).toFailure([]) }
}
