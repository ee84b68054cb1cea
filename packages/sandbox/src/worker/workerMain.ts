import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads'
import type { MessagePort } from 'node:worker_threads'
import { handlerError } from '../errors.ts'
import type { HostReply } from '../execute.ts'
import type { FromWorker, ToWorker, WorkerRun } from '../pool/messages.ts'
import {
  RunDecoder,
  newSharedChannel,
  ON_PORT,
  readText,
  runText,
  signal,
  Spinner,
  Word,
  writeText,
} from '../pool/sharedChannel.ts'
import type { RunText } from '../pool/sharedChannel.ts'
import type { RunOutcome } from '../types.ts'
import { WarmContext } from '../WarmContext.ts'
import { Engine } from './Engine.ts'
import { runQuickJs } from './runQuickJs.ts'
import type { QuickJsRun } from './runQuickJs.ts'
import { runWasi } from './runWasi.ts'

// The worker side of the pool: one run at a time. The worker blocks in Atomics.wait between runs and while
// its guest waits on the host (pool/sharedChannel.ts); it never needs its own event loop to hear the pool.
const port = parentPort
if (!port) throw new Error('workerMain must run in a worker thread')
const { buffer, inbox } = workerData as { buffer: SharedArrayBuffer; inbox: MessagePort }
const channel = newSharedChannel(buffer)
const { control } = channel
const engine = new Engine()
const decoder = new RunDecoder()
let replies: HostReply[] = []
let current = -1
let lastRun = 0
/** Messages posted for the run in flight; the pool waits for all of them before it takes the answer. */
let posted = 0

type RunMessage = Extract<ToWorker, { t: 'run' }>

/** How long an idle worker polls for the next run before it blocks in `Atomics.wait` (see nextRequest). */
const IDLE_SPIN_MS = 0.2
const spinner = new Spinner()

function post(message: FromWorker): void {
  posted++
  port!.postMessage(message)
}

/** A run posted by the pool, kept until its announcement is seen (the post comes first). */
let postedRun: RunMessage | undefined

/** Takes what the pool posted: replies to the run in flight are queued (older ones dropped), a run is kept. */
function drain(): void {
  for (let received = receiveMessageOnPort(inbox); received; received = receiveMessageOnPort(inbox)) {
    const message = received.message as ToWorker
    if (message.t === 'run') postedRun = message
    else if (message.id === current) {
      const { callId } = message
      replies.push(
        message.ok ? { callId, ok: true, json: message.json } : { callId, ok: false, message: message.message },
      )
    }
  }
}

/** The next host reply, or undefined once `deadline` passes; blocks this thread meanwhile (it has nothing else to do). */
function nextReply(deadline: number): Promise<HostReply | undefined> {
  for (;;) {
    const bell = Atomics.load(control, Word.Doorbell)
    drain()
    const queued = replies.shift()
    if (queued) return Promise.resolve(queued)
    const left = deadline - performance.now()
    if (left < 0) return Promise.resolve(undefined)
    Atomics.wait(control, Word.Doorbell, bell, left + 1)
  }
}

/**
 * Blocks until the pool sends the next run: as text in shared memory, or posted (too large, or WASI). For the
 * first {@link IDLE_SPIN_MS} it polls the run counter instead of sleeping (unless the {@link Spinner} says the
 * machine is too busy), so a run that follows closely (a caller awaiting one run after another) needs no
 * futex wake-up, which cost ~10–20 µs here; then it sleeps.
 */
function nextRequest(): RunText | WorkerRun {
  spinner.spin(control, Word.RunSeq, lastRun, IDLE_SPIN_MS)
  for (;;) {
    const bell = Atomics.load(control, Word.Doorbell)
    const seq = Atomics.load(control, Word.RunSeq)
    if (seq !== lastRun) {
      lastRun = seq
      break
    }
    drain()
    Atomics.wait(control, Word.Doorbell, bell)
  }
  const bytes = Atomics.load(control, Word.RequestBytes)
  if (bytes !== ON_PORT) return decoder.decode(readText(channel, bytes))
  // The pool posts before it signals, so the message is queued by now (or was drained while idle).
  drain()
  const message = postedRun
  postedRun = undefined
  if (!message) throw new Error('a run was announced by the pool but never posted')
  return 'text' in message ? decoder.decode(message.text) : message.run
}

async function handle(request: RunText | WorkerRun): Promise<QuickJsRun> {
  if (!('header' in request)) {
    const { id, wasi } = request
    if (!wasi) return handle({ ...runText(request), stateObject: request.state })
    const outcome = await runWasi(request, wasi, (entry) => post({ t: 'log', id, entry }))
    return { outcome, release: () => undefined }
  }
  const { id } = request.header
  return runQuickJs(request, {
    engine,
    channel: {
      call: (callId, kind, target, method, args) => post({ t: 'call', id, callId, kind, target, method, args }),
      next: nextReply,
    },
    flush: (ops, state) => post({ t: 'flush', id, ops, state }),
    log: (entry) => post({ t: 'log', id, entry }),
  })
}

/** Answers a run: as text in shared memory when it fits, else posted; then wakes the pool. */
function answer(id: number, outcome: RunOutcome): void {
  const bytes = writeText(channel, JSON.stringify(outcome))
  if (bytes === ON_PORT) post({ t: 'done', id, outcome })
  Atomics.store(control, Word.DoneBytes, bytes)
  Atomics.store(control, Word.Posted, posted)
  signal(control, Word.DoneSeq)
}

function crashed(error: unknown): RunOutcome {
  const message = error instanceof Error ? error.message : String(error)
  return {
    ok: false,
    error: handlerError(`the sandbox worker failed (${message}); report this if it recurs`).toFailure([]),
  }
}

/** Boots the next warm context (and reloads a retired module) while the worker is idle. */
async function prewarm(): Promise<void> {
  try {
    await engine.prewarm((runtime) => WarmContext.prewarm(runtime))
  } catch {
    engine.abandon()
  }
}

async function serve(): Promise<never> {
  for (;;) {
    const request = nextRequest()
    const id = 'header' in request ? request.header.id : request.id
    replies = []
    posted = 0
    current = id
    let run: QuickJsRun | undefined
    try {
      run = await handle(request)
    } catch (error) {
      answer(id, crashed(error))
    }
    current = -1
    if (run) {
      answer(id, run.outcome)
      try {
        run.release()
      } catch {
        engine.abandon()
      }
    }
    await prewarm()
  }
}

await engine.module()
await prewarm()
port.postMessage({ t: 'ready' } satisfies FromWorker)
await serve()
