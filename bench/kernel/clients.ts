// A client worker of the kernel bench: holds subscribed WebSockets to a server (the kernel or the floor) and
// notes, per patch version and per socket, when the frame arrived.
//
// Clock: `process.hrtime.bigint()` reads CLOCK_MONOTONIC, which on Linux is one clock for every process
// on the machine, so times taken here and in the bench process compare directly. Each process subtracts the
// same base (argv[2], a bigint from the bench process) and keeps milliseconds as a double; the bench checks
// the clocks agree with an IPC round trip before measuring (see `checkClock` in sync.ts).
// Usage (spawned with an IPC channel): node --import tsx bench/kernel/clients.ts <baseNs>
import WebSocket from 'ws'
import type { ToClients } from './messages.ts'

const BASE = BigInt(process.argv[2] ?? '0')
const now = (): number => Number(process.hrtime.bigint() - BASE) / 1e6
const CONNECT_CONCURRENCY = 50

interface Receipts {
  times: Float64Array
  count: number
}

/** The sockets to one server and what they received. */
class Group {
  readonly sockets: WebSocket[] = []
  readonly receipts = new Map<number, Receipts>()
  /** Every socket has received every version up to this one (the start of what is expected, minus one). */
  complete = Infinity
  private flushQueued = false

  constructor(
    readonly target: string,
    readonly size: number,
  ) {}

  async connect(url: string, headers: Record<string, string>, channel: string): Promise<number> {
    let version = 0
    for (let start = 0; start < this.size; start += CONNECT_CONCURRENCY) {
      const batch = Array.from({ length: Math.min(CONNECT_CONCURRENCY, this.size - start) }, (_, k) =>
        this.open(start + k, url, headers, channel),
      )
      for (const v of await Promise.all(batch)) version = Math.max(version, v)
    }
    return version
  }

  private async open(index: number, url: string, headers: Record<string, string>, channel: string): Promise<number> {
    const socket = new WebSocket(url, { headers, perMessageDeflate: false })
    this.sockets[index] = socket
    await new Promise((resolve, reject) => {
      socket.once('open', resolve)
      socket.once('error', reject)
    })
    const acked = new Promise<number>((resolve, reject) => {
      socket.on('message', (data: Buffer) => {
        const text = data.toString()
        if (text.startsWith('{"type":"patch"')) return this.receive(index, text)
        const message = JSON.parse(text) as { type: string; reqId?: string; result?: { version: number } }
        if (message.type === 'ack' && message.reqId === 'sub') resolve(message.result!.version)
        else if (message.type === 'error') reject(new Error(text))
      })
    })
    socket.send(JSON.stringify({ type: 'subscribe', reqId: 'sub', channel }))
    return acked
  }

  private receive(index: number, text: string): void {
    const t = now()
    const at = text.indexOf('"version":') + 10
    const version = parseInt(text.slice(at, at + 16), 10)
    let r = this.receipts.get(version)
    if (!r) this.receipts.set(version, (r = { times: new Float64Array(this.size).fill(NaN), count: 0 }))
    if (!Number.isNaN(r.times[index]!)) return
    r.times[index] = t
    r.count++
    if (r.count === this.size && version === this.complete + 1) {
      while (this.receipts.get(this.complete + 1)?.count === this.size) this.complete++
      this.queueFlush()
    }
  }

  /** Reports progress at most once per event-loop turn, so a burst of frames costs one IPC message. */
  private queueFlush(): void {
    if (this.flushQueued) return
    this.flushQueued = true
    setImmediate(() => {
      this.flushQueued = false
      process.send!({ type: 'done', target: this.target, upTo: this.complete })
    })
  }

  /** Receive times of versions `from..to` (one row per version), forgetting everything up to `to`. */
  collect(from: number, to: number): Float64Array[] {
    const rows: Float64Array[] = []
    for (let v = from; v <= to; v++) rows.push(this.receipts.get(v)?.times ?? new Float64Array(this.size).fill(NaN))
    for (const v of this.receipts.keys()) if (v <= to) this.receipts.delete(v)
    return rows
  }

  close(): void {
    for (const socket of this.sockets) socket.terminate()
  }
}

const groups = new Map<string, Group>()

process.on('message', (message: ToClients) => {
  void handle(message).catch((error: unknown) => {
    console.error(error)
    process.exit(1)
  })
})

async function handle(message: ToClients): Promise<void> {
  switch (message.type) {
    case 'clock':
      return void process.send!({ type: 'clock', t: now() })
    case 'connect': {
      const group = new Group(message.target, message.count)
      groups.set(message.target, group)
      const version = await group.connect(message.url, message.headers, message.channel)
      return void process.send!({ type: 'connected', target: message.target, version })
    }
    case 'expect': {
      groups.get(message.target)!.complete = message.from - 1
      return void process.send!({ type: 'expecting', target: message.target })
    }
    case 'collect': {
      const rows = groups.get(message.target)!.collect(message.from, message.to)
      return void process.send!({ type: 'times', target: message.target, rows })
    }
    case 'close':
      for (const group of groups.values()) group.close()
      process.exit(0)
  }
}

console.log('clients ready')
