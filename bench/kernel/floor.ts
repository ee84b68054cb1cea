// The floor for the kernel bench: a bare `ws` server that speaks just enough of the kernel's protocol
// (subscribe → ack; trigger → one patch frame to every subscriber, then ack) and does nothing else.
// Each patch is the kernel's patch frame, byte for byte in shape, serialised once into a Buffer and written
// to every subscriber with plain `socket.send`: what any broadcast over `ws` has to pay at least when it
// writes each patch as it is made. (It does not coalesce: under pipelined triggers the kernel, which writes
// the patches of one event-loop turn to a socket at once, can pass it.)
// Usage: node --import tsx bench/kernel/floor.ts <port> <channel> <firstVersion>
import { WebSocketServer, type WebSocket } from 'ws'

const [port, channel, first] = process.argv.slice(2)
const subscribers = new Set<WebSocket>()
let version = Number(first ?? 0)

const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(port) })
wss.on('connection', (socket) => {
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { type: string; reqId: string }
    if (message.type === 'subscribe') {
      subscribers.add(socket)
      socket.send(JSON.stringify({ type: 'ack', reqId: message.reqId, result: { version } }))
    } else if (message.type === 'trigger') {
      version++
      const frame = Buffer.from(
        JSON.stringify({ type: 'patch', channel, version, ops: [{ op: 'replace', path: '/count', value: version }] }),
      )
      for (const subscriber of subscribers) subscriber.send(frame, { binary: false })
      socket.send(JSON.stringify({ type: 'ack', reqId: message.reqId, result: { version } }))
    }
  })
  socket.on('close', () => subscribers.delete(socket))
})
wss.on('listening', () => console.log(`floor listening on ${port}`))
process.on('SIGTERM', () => {
  for (const socket of wss.clients) socket.terminate()
  wss.close(() => process.exit(0))
})
