import type { WorkerRun } from './messages.ts'

/**
 * The shared-memory channel between the pool and one worker: a SharedArrayBuffer of control words and a data
 * area. A run request that fits is written into the data area as UTF-8 text and the worker, blocked in
 * `Atomics.wait`, is woken by `Atomics.notify`; its answer comes back the same way while the pool waits with
 * `Atomics.waitAsync`, so the caller's event loop is never blocked. Anything larger (and WASI runs, which carry
 * bytes) travels by `postMessage` instead, announced the same way. Measured on a quiet machine, a bare round
 * trip costs ~5 µs this way against ~12.6 µs by `postMessage` alone, and no structured clone is made.
 */

/** Control words (Int32 indexes). */
export const Word = {
  /** Bumped by the pool after each run request or host-call reply: what the worker waits on. */
  Doorbell: 0,
  /** Bumped by the pool for each run request. */
  RunSeq: 1,
  /** Bytes of the request in the data area, or {@link ON_PORT}. */
  RequestBytes: 2,
  /** Bumped by the worker when a run's answer is ready: what the pool waits on. */
  DoneSeq: 3,
  /** Bytes of the answer in the data area, or {@link ON_PORT}. */
  DoneBytes: 4,
  /** Messages the worker posted during the run (logs, host calls, flushes, a large answer): the pool waits for all. */
  Posted: 5,
} as const
export type Word = (typeof Word)[keyof typeof Word]

/** The payload was posted on the message port instead. */
export const ON_PORT = -1
const CONTROL_BYTES = 64
/** Requests and answers up to this many UTF-8 bytes go through shared memory. */
export const DATA_BYTES = 256 * 1024

export interface SharedChannel {
  control: Int32Array
  data: Uint8Array
}

export function newSharedChannel(buffer = new SharedArrayBuffer(CONTROL_BYTES + DATA_BYTES)): SharedChannel {
  return { control: new Int32Array(buffer, 0, CONTROL_BYTES / 4), data: new Uint8Array(buffer, CONTROL_BYTES) }
}

const encoder = new TextEncoder()

/** Writes `text` into the data area; its UTF-8 length, or {@link ON_PORT} when it does not fit. */
export function writeText(channel: SharedChannel, text: string): number {
  if (text.length > DATA_BYTES) return ON_PORT
  const { read, written } = encoder.encodeInto(text, channel.data)
  return read === text.length ? written : ON_PORT
}

export function readText(channel: SharedChannel, bytes: number): string {
  const { buffer, byteOffset } = channel.data
  return Buffer.from(buffer, byteOffset, bytes).toString('utf8')
}

/** Bumps `word` and wakes whoever waits on it. */
export function signal(control: Int32Array, word: Word): void {
  Atomics.add(control, word, 1)
  Atomics.notify(control, word)
}

/** A gap this long between two polls means the spinning thread was preempted: the machine is busy. */
const PREEMPTED_MS = 0.02
/** Waits a {@link Spinner} skips after its first spin that gave up; doubled after each further one. */
const FIRST_BACKOFF = 16
const MAX_BACKOFF = 4096

/**
 * When to poll a word instead of sleeping on it. Polling saves a thread wake-up (~10–20 µs here) when the
 * change comes within the spin, but on a busy machine a spinning thread burns its time slice and is then
 * preempted: at load 20 a ping-pong of two always-spinning threads took 46–49 µs p50 against 13 µs sleeping
 * (the kernel favours a woken sleeper). So two spins in a row that gave up — timed out, or saw a preemption
 * gap between two polls — turn spinning off for the next waits, 32 at first and twice as many after each
 * further miss in a row (up to 4 096); one spin that succeeds starts over. Measured the same way at load 24:
 * p50 10.3–12.7 µs, p99 53–74 µs, against 12.8–14.9 µs and 29–164 µs sleeping. (Backing off after a single
 * miss skipped most spins in the real pool even where ~93 % of those tried succeeded.)
 */
export class Spinner {
  #skips = 0
  #backoff = FIRST_BACKOFF
  #misses = 0

  /** Polls until `word` no longer holds `value` or `ms` pass; true when it changed within the spin. */
  spin(control: Int32Array, word: Word, value: number, ms: number): boolean {
    if (this.#skips > 0) {
      this.#skips--
      return false
    }
    const start = performance.now()
    for (let last = start; ;) {
      if (Atomics.load(control, word) !== value) {
        this.#backoff = FIRST_BACKOFF
        this.#misses = 0
        return true
      }
      const now = performance.now()
      if (now - start > ms || now - last > PREEMPTED_MS) break
      last = now
    }
    if (Atomics.load(control, word) !== value) return true
    // One miss alone (a GC pause, one preemption) changes nothing; misses in a row back off.
    if (++this.#misses < 2) return false
    this.#backoff = Math.min(MAX_BACKOFF, this.#backoff * 2)
    this.#skips = this.#backoff
    return false
  }
}

/** A run without its three JSON inputs, which travel as text. */
export type RunHeader = Omit<WorkerRun, 'state' | 'args' | 'computed' | 'wasi'>

type WaitAsync = (
  array: Int32Array,
  index: number,
  value: number,
) => { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> }
/** `Atomics.waitAsync` (Node ≥ 16), typed by hand: the project's TypeScript lib predates es2024. */
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync

/**
 * Calls `then` once `word` no longer holds `value` (at once when it already differs), without blocking. A
 * wake-up with the value unchanged (a late notify meant for an earlier wait) waits again.
 */
export function whenChanged(control: Int32Array, word: Word, value: number, then: () => void): void {
  const waiting = waitAsync(control, word, value)
  if (!waiting.async) return queueMicrotask(then)
  void waiting.value.then(() => {
    if (Atomics.load(control, word) === value) whenChanged(control, word, value, then)
    else then()
  })
}

/** The JSON texts a run request is made of. */
export interface RunText {
  header: RunHeader
  state: string
  args: string
  computed: string
  /** The state as the caller gave it, when it came as an object (its JSON form may differ: NaN, Dates…). */
  stateObject?: WorkerRun['state']
}

/** A run's request as texts (for a request that came as an object, e.g. by `postMessage`). */
export function runText(run: WorkerRun): RunText {
  const { state, args, computed, wasi: _wasi, ...header } = run
  return { header, state: JSON.stringify(state), args: JSON.stringify(args), computed: JSON.stringify(computed) }
}

/** The part of a request that repeats while the same handler runs under the same grants and limits. */
type RunStatic = Pick<RunHeader, 'code' | 'line' | 'capabilities' | 'limits'>

/**
 * Writes runs as text, one line each: `id,seed,now,flush`, the static part's JSON (kept from the last run
 * when code, line, capabilities and limits are the same objects), then the state, args and computed JSON
 * (JSON text never holds a raw line break).
 */
export class RunEncoder {
  #last: RunStatic | undefined
  #lastText = ''

  encode(run: WorkerRun): string {
    const { code, line, capabilities, limits } = run
    const last = this.#last
    if (
      !last ||
      last.code !== code ||
      last.line !== line ||
      last.capabilities !== capabilities ||
      last.limits !== limits
    ) {
      this.#last = { code, line, capabilities, limits }
      this.#lastText = JSON.stringify(this.#last)
    }
    const now = Object.is(run.now, -0) ? '-0' : String(run.now)
    const dynamic = `${run.id},${run.seed},${now},${run.flush ? 1 : 0}`
    return `${dynamic}\n${this.#lastText}\n${JSON.stringify(run.state)}\n${JSON.stringify(run.args)}\n${JSON.stringify(run.computed)}`
  }
}

/** Static parts decoded so far, by text (a worker sees few distinct handlers); the oldest goes past the bound. */
const STATIC_CACHE = 64

/** Reads {@link RunEncoder}'s text; the static part is parsed once per distinct text. */
export class RunDecoder {
  readonly #statics = new Map<string, RunStatic>()

  decode(text: string): RunText {
    const ends: number[] = []
    for (let i = 0, at = -1; i < 4; i++) ends.push((at = text.indexOf('\n', at + 1)))
    const [e0, e1, e2, e3] = ends as [number, number, number, number]
    const [id, seed, now, flush] = text.slice(0, e0).split(',').map(Number) as [number, number, number, number]
    const header: RunHeader = { id, seed, now, flush: flush === 1, ...this.#static(text.slice(e0 + 1, e1)) }
    return { header, state: text.slice(e1 + 1, e2), args: text.slice(e2 + 1, e3), computed: text.slice(e3 + 1) }
  }

  #static(json: string): RunStatic {
    let parsed = this.#statics.get(json)
    if (!parsed) {
      parsed = JSON.parse(json) as RunStatic
      this.#statics.set(json, parsed)
      if (this.#statics.size > STATIC_CACHE) this.#statics.delete(this.#statics.keys().next().value!)
    }
    return parsed
  }
}
