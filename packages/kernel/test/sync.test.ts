import { decode, encode } from '@msgpack/msgpack'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServerMessage } from '@nexus/protocol'
import type { RunningKernel } from '../src/index.ts'
import { COUNTER, TestClient, api, startTestKernel } from './helpers.ts'

const BLOB = `<NexusPanel title="Blob" version="1.0.0">
  <Data><State name="blob" type="string" default="" /><State name="n" type="number" default="0" /></Data>
  <Logic>
    <Tool name="grow">
      <Capabilities><Capability type="state:write" scope="*" /></Capabilities>
      <Handler>$state.n += 1\n$state.blob = String($state.n).repeat(50000)</Handler>
    </Tool>
  </Logic>
  <View><Text content="{$state.n}" /></View>
</NexusPanel>`

function connect(kernel: RunningKernel, key: string, query = ''): Promise<WebSocket> {
  const socket = new WebSocket(`${kernel.url.replace('http', 'ws')}/ws${query}`, {
    headers: { authorization: `Bearer ${key}` },
  })
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket))
    socket.once('error', reject)
  })
}

describe('sync encodings and slow clients', () => {
  let kernel: RunningKernel
  let key: string
  let workspaceId: string
  beforeAll(async () => {
    ;({ kernel, ownerKey: key, workspaceId } = await startTestKernel())
  })
  afterAll(async () => {
    await kernel.close()
  })

  it('speaks MessagePack binary frames both ways with ?encoding=msgpack', async () => {
    const id = (await api(kernel, 'POST', '/api/panels', { nxml: COUNTER })).body.id
    const socket = await connect(kernel, key, '?encoding=msgpack')
    const got: ServerMessage[] = []
    const binary: boolean[] = []
    socket.on('message', (data, isBinary) => {
      binary.push(isBinary)
      got.push((isBinary ? decode(data as Buffer) : JSON.parse(String(data))) as ServerMessage)
    })
    const until = async (n: number) => {
      for (let i = 0; i < 200 && got.length < n; i++) await new Promise((r) => setTimeout(r, 10))
    }
    socket.send(encode({ type: 'subscribe', reqId: 's', channel: `panel:${id}` }))
    socket.send(encode({ type: 'trigger', reqId: 't', panelId: id, tool: 'increment', args: { step: 4 } }))
    await until(4)
    expect(got.map((m) => m.type)).toEqual(['snapshot', 'ack', 'patch', 'ack'])
    expect(got[2]).toEqual({
      type: 'patch',
      channel: `panel:${id}`,
      version: 1,
      ops: [{ op: 'replace', path: '/count', value: 4 }],
    })
    socket.send(Buffer.from([0xc1, 0xff, 0x00])) // not MessagePack
    socket.send(JSON.stringify({ type: 'ping', reqId: 'p' })) // text still accepted
    await until(6)
    expect(got.slice(4)).toEqual([
      { type: 'error', error: { code: 'BAD_MESSAGE', message: 'The message is not valid MessagePack' } },
      { type: 'pong', reqId: 'p' },
    ])
    expect(binary.every(Boolean)).toBe(true)
    socket.close()
  })

  it('drops patches for a client that stops reading and sends it a fresh snapshot when it drains', async () => {
    const id = (await api(kernel, 'POST', '/api/panels', { nxml: BLOB })).body.id
    const slow = await connect(kernel, key)
    const got: ServerMessage[] = []
    let bytes = 0
    slow.on('message', (data) => {
      bytes += (data as Buffer).byteLength
      got.push(JSON.parse(String(data)) as ServerMessage)
    })
    slow.send(JSON.stringify({ type: 'subscribe', reqId: 's', channel: `panel:${id}` }))
    while (!got.some((m) => m.type === 'ack')) await new Promise((r) => setTimeout(r, 10))
    const raw = (slow as unknown as { _socket: { pause(): void; resume(): void } })._socket
    raw.pause()
    const TRIGGERS = 120 // about 100 KB of patch each: far past the 4 MiB high-water mark
    for (let i = 0; i < TRIGGERS; i++) await api(kernel, 'POST', `/api/panels/${id}/trigger`, { tool: 'grow' })
    raw.resume()
    const deadline = Date.now() + 30_000
    const latest = () => {
      const last = got.at(-1)
      return last && (last.type === 'patch' || last.type === 'snapshot') ? last.version : 0
    }
    while (latest() < TRIGGERS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    const snapshots = got.filter((m) => m.type === 'snapshot')
    expect(snapshots.length).toBeGreaterThanOrEqual(2) // the first, and one after draining
    const resync = snapshots.at(-1)!
    expect(resync.type === 'snapshot' && resync.panel?.state.n).toBe(resync.version)
    // After the fresh snapshot, patches continue without a gap up to the last trigger.
    const after = got.slice(got.indexOf(resync) + 1).map((m) => (m.type === 'patch' ? m.version : -1))
    expect(after).toEqual(Array.from({ length: TRIGGERS - resync.version }, (_, i) => resync.version + i + 1))
    expect(latest()).toBe(TRIGGERS)
    // The server skipped what the client could not take: far less than every patch was sent.
    expect(bytes).toBeLessThan(TRIGGERS * 100_000)
    slow.close()
  }, 60_000)

  it('keeps every device of a user in step with the workspace panel list', async () => {
    const devices = [await TestClient.connect(kernel), await TestClient.connect(kernel)]
    for (const d of devices) {
      d.send({ type: 'subscribe', reqId: 'w', channel: `workspace:${workspaceId}` })
      expect(await d.next((m) => m.type === 'snapshot')).toMatchObject({ channel: `workspace:${workspaceId}` })
      await d.next((m) => m.type === 'ack')
    }
    const id = (await api(kernel, 'POST', '/api/panels', { nxml: COUNTER })).body.id as string
    for (const d of devices) {
      expect(await d.next((m) => m.type === 'patch')).toMatchObject({
        ops: [{ op: 'add', path: `/${id}`, value: { id, title: 'Counter', version: 0 } }],
      })
    }
    await api(kernel, 'PATCH', `/api/panels/${id}`, { title: 'Tally' })
    expect(await devices[0]!.next((m) => m.type === 'patch')).toMatchObject({
      ops: [{ value: { title: 'Tally', version: 1 } }],
    })
    await api(kernel, 'DELETE', `/api/panels/${id}`)
    expect(await devices[1]!.next((m) => m.type === 'patch' && m.ops[0]?.op === 'remove')).toMatchObject({
      channel: `workspace:${workspaceId}`,
      ops: [{ op: 'remove', path: `/${id}` }],
    })
    const outsider = (
      await api(
        kernel,
        'POST',
        '/api/auth/register',
        { email: 'x@example.com', password: 'password-x', name: 'X' },
        null,
      )
    ).body.accessToken as string
    const stranger = await TestClient.connect(kernel, outsider)
    stranger.send({ type: 'subscribe', reqId: 'w', channel: `workspace:${workspaceId}` })
    expect(await stranger.next((m) => m.type === 'error')).toMatchObject({ error: { code: 'NOT_FOUND' } })
    for (const c of [...devices, stranger]) c.close()
  })
})
