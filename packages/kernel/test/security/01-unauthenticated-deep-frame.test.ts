import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { encode } from '@msgpack/msgpack'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { COUNTER, OWNER } from '../helpers.ts'
import { freePort, spawnKernel, stopKernel } from '../process.ts'
import { must, request } from './fuzzTarget.ts'
import { WsPeer, type Encoding } from './wsPeer.ts'

/**
 * Issue #11, finding 1: one frame nested 3,000 deep — from a socket with no credentials at all — overflowed
 * the stack in the schema parse, outside any try/catch, and the unhandled rejection ended the process; a
 * trigger whose args nested 10,000 deep did the same over HTTP as a 500. The kernel runs in its own process
 * here, so "the process exits" would be observed, not hidden by the test runner.
 */

const DEPTH = 3_000

/** `{"type":"subscribe","reqId":…,"channel":"nog:abc","filter":[[[…]]]}` nested `depth` deep, as JSON text. */
function deepJson(reqId: string, depth: number): string {
  const head = JSON.stringify({ type: 'subscribe', reqId, channel: 'nog:abc' }).slice(0, -1)
  return `${head},"filter":${'['.repeat(depth)}0${']'.repeat(depth)}}`
}

/** The same as MessagePack, written by hand: the encoder refuses to build anything this deep. */
function deepMsgpack(reqId: string, depth: number): Uint8Array {
  const head = encode({ type: 'subscribe', reqId, channel: 'nog:abc' })
  const key = encode('filter')
  const frame = new Uint8Array(head.length + key.length + depth + 1)
  frame.set(head)
  frame[0] = 0x84 // a map of four entries instead of three
  frame.set(key, head.length)
  frame.fill(0x91, head.length + key.length, head.length + key.length + depth) // one-element arrays
  frame[frame.length - 1] = 0x00
  return frame
}

function deepFrame(encoding: Encoding, reqId: string): string | Uint8Array {
  return encoding === 'json' ? deepJson(reqId, DEPTH) : deepMsgpack(reqId, DEPTH)
}

describe('finding 1: a deeply nested frame or body is refused before any parse, and the kernel lives on', () => {
  let url: string
  let child: ChildProcess
  let key: string
  let panelId: string

  beforeAll(async () => {
    ;({ url, process: child } = await spawnKernel(await freePort(), mkdtempSync(join(tmpdir(), 'nexus-sec01-'))))
    const session = await must({ url }, 'POST', '/api/auth/setup', undefined, OWNER)
    key = (await must({ url }, 'POST', '/api/keys', session.accessToken, { name: 'sec01' })).key
    panelId = (await must({ url }, 'POST', '/api/panels', key, { nxml: COUNTER })).id
  }, 90_000)
  afterAll(async () => {
    if (child) await stopKernel(child)
  })

  /** The kernel still answers, and the panel is exactly as it was made. */
  async function unharmed(): Promise<void> {
    expect(child.exitCode).toBeNull()
    expect((await request(url, 'GET', '/healthz')).status).toBe(200)
    const panel = await request(url, 'GET', `/api/panels/${panelId}`, { credential: key })
    expect(panel.json).toMatchObject({ version: 0, state: { count: 0 } })
  }

  for (const encoding of ['json', 'msgpack'] as const) {
    it(`refuses a ${DEPTH}-deep ${encoding} frame from an anonymous socket`, async () => {
      const peer = await WsPeer.open(url, encoding)
      peer.send(deepFrame(encoding, 'deep'))
      const refused = await peer.next((m) => m.type === 'error')
      expect(refused).toMatchObject({ type: 'error', error: { code: 'BAD_MESSAGE' } })
      expect(refused.type === 'error' && refused.error.message).toMatch(/deeper than 64 levels.*flatten it/)
      // The socket is still served: hello is the one thing it may say.
      peer.send({ type: 'hello', reqId: 'h' })
      expect(await peer.answer('h')).toMatchObject({ type: 'ack', result: { user: null } })
      peer.close()
      await unharmed()
    })

    it(`refuses the same ${encoding} frame from an authenticated socket, which stays usable`, async () => {
      const peer = await WsPeer.open(url, encoding, key)
      peer.send(deepFrame(encoding, 'deep'))
      expect(await peer.next((m) => m.type === 'error')).toMatchObject({ error: { code: 'BAD_MESSAGE' } })
      peer.send({ type: 'subscribe', reqId: 's', channel: `panel:${panelId}` })
      expect(await peer.answer('s')).toMatchObject({ type: 'ack', result: { version: 0 } })
      peer.close()
      await unharmed()
    })
  }

  it('refuses a trigger whose args nest 10,000 deep over HTTP with a 400 that says what to do', async () => {
    const body = `{"tool":"increment","args":{"step":${'['.repeat(10_000)}1${']'.repeat(10_000)}}}`
    const answer = await request(url, 'POST', `/api/panels/${panelId}/trigger`, {
      credential: key,
      contentType: 'application/json',
      body,
    })
    expect(answer.status).toBe(400)
    expect(answer.json?.error).toMatchObject({ code: 'BAD_REQUEST' })
    expect(answer.json?.error.message).toMatch(/deeper than 64 levels.*flatten it/)
    await unharmed()
  })

  // Found by the HTTP fuzzer (seed 20261204): one stray byte sent as UTF-16 decoded to an empty body, read as `{}`,
  // and duplicated the panel.
  it('refuses a JSON body in any charset but UTF-8 with a 415 that says to send UTF-8, and changes nothing', async () => {
    const before = await request(url, 'GET', '/api/panels', { credential: key })
    for (const body of [new Uint8Array([0x7b]), new Uint8Array(Buffer.from('{}', 'utf16le'))]) {
      const answer = await request(url, 'POST', `/api/panels/${panelId}/duplicate`, {
        credential: key,
        contentType: 'application/json; charset=utf-16',
        body,
      })
      expect(answer.status).toBe(415)
      expect(answer.json?.error.message).toMatch(/must be UTF-8.*send UTF-8/)
    }
    expect((await request(url, 'GET', '/api/panels', { credential: key })).json).toEqual(before.json)
    await unharmed()
  })

  it('refuses every message but hello from an anonymous socket without parsing it', async () => {
    for (const encoding of ['json', 'msgpack'] as const) {
      const peer = await WsPeer.open(url, encoding)
      // Malformed for the schema: had it been parsed, the answer would be BAD_MESSAGE naming `channel`.
      peer.send({ type: 'subscribe', reqId: 'bad-channel', channel: 'not a channel' })
      peer.send({ type: 'trigger', reqId: 't', panelId, tool: 'increment' })
      peer.send({ type: 'ping', reqId: 'p' })
      for (const reqId of ['bad-channel', 't', 'p']) {
        const answer = await peer.answer(reqId)
        expect(answer).toMatchObject({ type: 'error', reqId, error: { code: 'UNAUTHENTICATED' } })
        expect(answer.type === 'error' && answer.error.message).toMatch(/hello.*token/)
      }
      // hello itself is parsed, and a malformed one says so.
      peer.send({ type: 'hello', reqId: 'h', token: 42 })
      expect(await peer.answer('h')).toMatchObject({ type: 'error', error: { code: 'BAD_MESSAGE' } })
      peer.close()
    }
    await unharmed()
    const metrics = (await request(url, 'GET', '/metrics')).text
    expect(metrics).toMatch(/nexus_ws_messages_rejected_total\{code="UNAUTHENTICATED"\} [1-9]/)
  })
})
