import type { AddressInfo } from 'node:net'
import { decode } from '@msgpack/msgpack'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket, { WebSocketServer } from 'ws'
import type { ServerMessage } from '@nexus/protocol'
import { Frame, Outbox, type Encoding } from './Outbox.ts'

const servers: WebSocketServer[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) {
    for (const socket of server.clients) socket.terminate()
    await new Promise((resolve) => server.close(resolve))
  }
})

/** A real `ws` server whose one connection gets an `Outbox` on its raw socket, and a real client reading it. */
async function connect(encoding: Encoding) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  servers.push(server)
  await new Promise((resolve) => server.once('listening', resolve))
  const accepted = new Promise<Outbox>((resolve) =>
    server.once('connection', (socket, request) => {
      resolve(
        new Outbox(
          socket,
          encoding,
          () => undefined,
          () => undefined,
          request.socket,
        ),
      )
    }),
  )
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`)
  const received: { message: ServerMessage; binary: boolean }[] = []
  client.on('message', (data: Buffer, binary) => {
    const message = (binary ? decode(data) : JSON.parse(data.toString())) as ServerMessage
    received.push({ message, binary })
  })
  await new Promise((resolve) => client.once('open', resolve))
  return { outbox: await accepted, received }
}

async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!done()) {
    if (Date.now() > deadline) throw new Error('the client did not receive what was sent')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

const patch = (version: number, value: string): ServerMessage => ({
  type: 'patch',
  channel: 'panel:p',
  version,
  ops: [{ op: 'replace', path: '/text', value }],
})

/** A patch whose encoded payload is exactly `bytes` long. */
function sized(version: number, bytes: number, encoding: Encoding): ServerMessage {
  for (let n = Math.max(0, bytes - 100); n <= bytes; n++) {
    const message = patch(version, 'x'.repeat(n))
    if (new Frame(message).as(encoding).byteLength === bytes) return message
  }
  throw new Error(`no patch encodes to ${bytes} bytes`)
}

describe('Outbox', () => {
  // Payloads at each edge of the 7-bit, 16-bit and 64-bit length forms of RFC 6455.
  const sizes = [100, 125, 126, 127, 65_535, 65_536, 70_000]

  for (const encoding of ['json', 'msgpack'] as const) {
    it(`frames ${encoding} payloads of every length form so a real client reads them exactly, in order`, async () => {
      const { outbox, received } = await connect(encoding)
      const sent = sizes.map((bytes, i) => sized(i + 1, bytes, encoding))
      // Patches of one turn leave together; a reply sent after them arrives after them.
      for (const message of sent) outbox.sendPatch('panel:p', new Frame(message))
      const ack: ServerMessage = { type: 'ack', reqId: 'r1', result: { version: sent.length } }
      outbox.send(new Frame(ack))
      await until(() => received.length === sent.length + 1)
      expect(received.map((r) => r.message)).toEqual([...sent, ack])
      expect(received.every((r) => r.binary === (encoding === 'msgpack'))).toBe(true)
    })
  }

  it('drops the patches still queued when stopped (the connection closed), never reordering the rest', async () => {
    const { outbox, received } = await connect('json')
    outbox.send(new Frame(patch(1, 'first')))
    await until(() => received.length === 1)
    outbox.sendPatch('panel:p', new Frame(patch(2, 'queued')))
    outbox.stop()
    outbox.send(new Frame(patch(3, 'a reply')))
    await until(() => received.length === 2)
    expect(received.map((r) => (r.message as { version: number }).version)).toEqual([1, 3])
  })
})
