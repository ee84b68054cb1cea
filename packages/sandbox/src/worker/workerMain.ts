import { parentPort } from 'node:worker_threads'
import { handlerError } from '../errors.ts'
import type { HostReply } from '../execute.ts'
import type { FromWorker, ToWorker, WorkerRun } from '../pool/messages.ts'
import type { RunOutcome } from '../types.ts'
import { WarmContext } from '../WarmContext.ts'
import { Engine } from './Engine.ts'
import { runQuickJs } from './runQuickJs.ts'
import { runWasi } from './runWasi.ts'

// The worker side of the pool: one run at a time, replies to host calls routed to the run in flight.
const port = parentPort
if (!port) throw new Error('workerMain must run in a worker thread')
const engine = new Engine()
let replies: HostReply[] = []
let wake: (() => void) | undefined
let current = -1
let busy = false

function post(message: FromWorker): void {
  port!.postMessage(message)
}

/** The next host reply, or undefined once `deadline` passes. */
function nextReply(deadline: number): Promise<HostReply | undefined> {
  const queued = replies.shift()
  if (queued) return Promise.resolve(queued)
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish(), Math.max(0, deadline - performance.now()) + 1)
    function finish(): void {
      clearTimeout(timer)
      wake = undefined
      resolve(replies.shift())
    }
    wake = finish
  })
}

async function handle(run: WorkerRun): Promise<RunOutcome> {
  replies = []
  current = run.id
  if (run.wasi) return runWasi(run, run.wasi, (entry) => post({ t: 'log', id: run.id, entry }))
  return runQuickJs(run, {
    engine,
    channel: {
      call: (callId, kind, target, method, args) => post({ t: 'call', id: run.id, callId, kind, target, method, args }),
      next: nextReply,
    },
    flush: (ops, state) => post({ t: 'flush', id: run.id, ops, state }),
    log: (entry) => post({ t: 'log', id: run.id, entry }),
  })
}

port.on('message', (message: ToWorker) => {
  if (message.t === 'reply') {
    if (message.id !== current) return
    const { callId } = message
    replies.push(
      message.ok ? { callId, ok: true, json: message.json } : { callId, ok: false, message: message.message },
    )
    wake?.()
    return
  }
  busy = true
  void handle(message.run).then(
    (outcome) => {
      busy = false
      post({ t: 'done', id: message.run.id, outcome })
      setImmediate(prewarm)
    },
    (error: unknown) => {
      busy = false
      post({
        t: 'done',
        id: message.run.id,
        outcome: {
          ok: false,
          error: handlerError(
            `the sandbox worker failed (${String((error as Error)?.message ?? error)}); report this if it recurs`,
          ).toFailure([]),
        },
      })
    },
  )
})

/** Boots the next warm context while the worker is idle (after a run that could not keep its own). */
function prewarm(): void {
  if (busy) return
  try {
    engine.prewarm((runtime) => WarmContext.prewarm(runtime))
  } catch {
    engine.abandon()
  }
}

await engine.module()
prewarm()
post({ t: 'ready' })
