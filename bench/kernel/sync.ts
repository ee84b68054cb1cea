// The measuring side of the kernel bench, in the bench process: the client workers, the trigger client,
// and the two kinds of round (closed-loop latency, pipelined sustained rate), the same for kernel and floor.
import type { ChildProcess } from 'node:child_process'
import WebSocket from 'ws'
import { median } from '../lib.ts'
import type { FromClients, Target, ToClients } from './messages.ts'
import { spawnTs } from './processes.ts'

/** The shared clock origin: CLOCK_MONOTONIC (see clients.ts), passed to every worker. */
export const BASE = process.hrtime.bigint()
export const now = (): number => Number(process.hrtime.bigint() - BASE) / 1e6
const WAIT_MS = 20_000

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** One client worker process and what it has reported. */
export class Worker {
  readonly upTo = new Map<Target, number>()
  private waiters: ((m: FromClients) => void)[] = []

  private constructor(readonly child: ChildProcess) {
    child.on('message', (m: FromClients) => {
      if (m.type === 'done') this.upTo.set(m.target, m.upTo)
      for (const w of this.waiters.splice(0)) w(m)
    })
  }

  static async start(): Promise<Worker> {
    const { child } = await spawnTs('bench/kernel/clients.ts', {
      args: [String(BASE)],
      ready: /clients ready/,
      ipc: true,
    })
    return new Worker(child)
  }

  send(message: ToClients): void {
    this.child.send(message)
  }

  /** The next message of `type` (after sending `message`, if given). */
  async request<T extends FromClients['type']>(
    type: T,
    message?: ToClients,
  ): Promise<Extract<FromClients, { type: T }>> {
    const reply = new Promise<Extract<FromClients, { type: T }>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`client worker sent no ${type}`)), 120_000)
      const wait = (m: FromClients) => {
        if (m.type !== type) return void this.waiters.push(wait)
        clearTimeout(timer)
        resolve(m as Extract<FromClients, { type: T }>)
      }
      this.waiters.push(wait)
    })
    if (message) this.send(message)
    return reply
  }

  /** Resolves on the next report of any kind. */
  progress(): Promise<unknown> {
    return new Promise((resolve) => this.waiters.push(resolve))
  }
}

/**
 * Checks the workers' clock against ours: a worker's reading taken between our send and our receipt must
 * fall between the two. Returns the widest round trip seen (the bound on any disagreement), in ms.
 */
export async function checkClock(workers: Worker[]): Promise<number> {
  let widest = 0
  for (const worker of workers) {
    for (let i = 0; i < 20; i++) {
      const before = now()
      const { t } = await worker.request('clock', { type: 'clock' })
      const after = now()
      if (t < before || t > after) throw new Error(`worker clock ${t} outside [${before}, ${after}]`)
      widest = Math.max(widest, after - before)
    }
  }
  return widest
}

/** The client that fires triggers on its own WebSocket and collects the acks. */
export class Trigger {
  version = 0
  private seq = 0
  private readonly pending = new Map<string, { resolve: (v: number) => void; reject: (e: Error) => void }>()

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString()) as { type: string; reqId?: string; result?: { version: number } }
      const waiter = m.reqId === undefined ? undefined : this.pending.get(m.reqId)
      if (!waiter) return
      this.pending.delete(m.reqId!)
      if (m.type === 'ack') {
        this.version = Math.max(this.version, m.result!.version)
        waiter.resolve(m.result!.version)
      } else waiter.reject(new Error(`trigger failed: ${data.toString()}`))
    })
  }

  static async connect(url: string, headers: Record<string, string>, version: number): Promise<Trigger> {
    const socket = new WebSocket(url, { headers, perMessageDeflate: false })
    await new Promise((resolve, reject) => {
      socket.once('open', resolve)
      socket.once('error', reject)
    })
    const trigger = new Trigger(socket)
    trigger.version = version
    return trigger
  }

  /** Sends one trigger; resolves with the version it made. */
  fire(panelId: string): Promise<number> {
    const reqId = `t${++this.seq}`
    const acked = new Promise<number>((resolve, reject) => this.pending.set(reqId, { resolve, reject }))
    this.socket.send(`{"type":"trigger","reqId":"${reqId}","panelId":"${panelId}","tool":"increment"}`)
    return acked
  }

  close(): void {
    this.socket.close()
  }
}

export interface Side {
  target: Target
  trigger: Trigger
  panelId: string
}

function delivered(workers: Worker[], target: Target): number {
  return Math.min(...workers.map((w) => w.upTo.get(target) ?? -1))
}

async function expect(workers: Worker[], target: Target, from: number): Promise<void> {
  for (const w of workers) w.upTo.set(target, from - 1)
  await Promise.all(workers.map((w) => w.request('expecting', { type: 'expect', target, from })))
}

async function until(workers: Worker[], done: () => boolean): Promise<void> {
  const deadline = now() + WAIT_MS
  while (!done()) {
    if (now() > deadline) throw new Error('patches were not delivered in time')
    await Promise.race([...workers.map((w) => w.progress()), sleep(50)])
  }
}

/** Per trigger: when the last and the median subscriber had its patch, in ms after the send. */
export interface Latencies {
  last: number[]
  median: number[]
}

/** Closed loop: one trigger, wait until every subscriber has its patch (and the ack is in), pause, repeat. */
export async function latencyRound(workers: Worker[], side: Side, count: number): Promise<Latencies> {
  const from = side.trigger.version + 1
  await expect(workers, side.target, from)
  const sent: number[] = []
  for (let i = 0; i < count; i++) {
    const t = now()
    const version = await side.trigger.fire(side.panelId)
    if (version !== from + i) throw new Error(`expected version ${from + i}, the ack said ${version}`)
    sent.push(t)
    await until(workers, () => delivered(workers, side.target) >= version)
    await sleep(1)
  }
  const to = from + count - 1
  const parts = await Promise.all(
    workers.map((w) => w.request('times', { type: 'collect', target: side.target, from, to })),
  )
  const out: Latencies = { last: [], median: [] }
  for (let i = 0; i < count; i++) {
    const times = parts.flatMap((p) => [...p.rows[i]!])
    if (times.some(Number.isNaN)) throw new Error(`version ${from + i} did not reach every subscriber`)
    out.last.push(Math.max(...times) - sent[i]!)
    out.median.push(median(times) - sent[i]!)
  }
  return out
}

/**
 * Sustained rate: triggers back to back with at most `inflight` not yet delivered everywhere, for
 * `warmMs + windowMs`; the rate is versions fully delivered per second over the window.
 */
export async function rateRound(
  workers: Worker[],
  side: Side,
  options: { warmMs: number; windowMs: number; inflight: number },
): Promise<number> {
  const from = side.trigger.version + 1
  await expect(workers, side.target, from)
  const acks: Promise<number>[] = []
  const start = now()
  let mark: { t: number; d: number } | undefined
  for (;;) {
    const d = delivered(workers, side.target) - from + 1
    const t = now()
    if (!mark && t >= start + options.warmMs) mark = { t, d }
    if (mark && t >= mark.t + options.windowMs) {
      await Promise.all(acks)
      await until(workers, () => delivered(workers, side.target) >= from + acks.length - 1)
      // Forget the receipts (an empty range up to the last version).
      const last = from + acks.length - 1
      const forget: ToClients = { type: 'collect', target: side.target, from: last + 1, to: last }
      await Promise.all(workers.map((w) => w.request('times', forget)))
      return ((d - mark.d) * 1000) / (t - mark.t)
    }
    while (acks.length - d < options.inflight) {
      const acked = side.trigger.fire(side.panelId)
      acked.catch(() => undefined) // rethrown by Promise.all(acks) at the end
      acks.push(acked)
    }
    await Promise.race([...workers.map((w) => w.progress()), sleep(50)])
  }
}
