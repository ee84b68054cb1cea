import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServerMessage } from '@nexus/protocol'
import { COUNTER, OWNER } from '../helpers.ts'
import { freePort, spawnKernel, stopKernel } from '../process.ts'
import { must, request } from './fuzzTarget.ts'
import { WsPeer, type Encoding } from './wsPeer.ts'

/**
 * Issue #11, finding 5: losing access did not end an open WebSocket. A member removed from a workspace kept
 * receiving its panel, workspace and graph patches; a trigger on a socket opened with a since-revoked API
 * key, or after "log out everywhere", was acknowledged and applied.
 */

const BOB = { email: 'bob.sec05@example.com', password: 'bob sec05 Passphrase! 7x', name: 'Bob' }

const channelOf = (m: ServerMessage) => (m.type === 'patch' || m.type === 'snapshot' ? m.channel : undefined)

describe('finding 5: open sockets lose what their user lost', () => {
  let url: string
  let child: ChildProcess
  let ownerKey: string
  let workspaceId: string
  let panelId: string
  let bobId: string
  let bobSession: string
  let channels: string[]

  beforeAll(async () => {
    ;({ url, process: child } = await spawnKernel(await freePort(), mkdtempSync(join(tmpdir(), 'nexus-sec05-'))))
    const t = { url }
    const session = await must(t, 'POST', '/api/auth/setup', undefined, OWNER)
    ownerKey = (await must(t, 'POST', '/api/keys', session.accessToken, { name: 'sec05 owner' })).key
    workspaceId = (await must(t, 'GET', '/api/me', ownerKey)).workspaces[0].id
    panelId = (await must(t, 'POST', '/api/panels', ownerKey, { nxml: COUNTER, workspaceId })).id
    const bob = await must(t, 'POST', '/api/auth/register', undefined, BOB)
    bobId = bob.user.id
    bobSession = bob.accessToken
    channels = [`panel:${panelId}`, `workspace:${workspaceId}`, `nog:${workspaceId}`]
  }, 90_000)
  afterAll(async () => {
    if (child) await stopKernel(child)
  })

  const makeBobEditor = () =>
    must(
      { url },
      'POST',
      `/api/workspaces/${workspaceId}/members`,
      ownerKey,
      { email: BOB.email, role: 'editor' },
      [201, 409],
    )
  const panel = async () => (await request(url, 'GET', `/api/panels/${panelId}`, { credential: ownerKey })).json!

  async function subscribeAll(peer: WsPeer): Promise<void> {
    for (const channel of channels) {
      peer.send({
        type: 'subscribe',
        reqId: channel,
        channel,
        ...(channel.startsWith('nog:') ? { filter: { category: { eq: 'concept' } } } : {}),
      })
      const answer = await peer.answer(channel)
      expect(answer, JSON.stringify(answer)).toMatchObject({ type: 'ack' })
    }
  }

  /** Changes on all three channels, made by the owner. */
  async function changeEverything(tag: string): Promise<void> {
    await must({ url }, 'POST', `/api/panels/${panelId}/trigger`, ownerKey, { tool: 'increment' })
    await must({ url }, 'POST', `/api/workspaces/${workspaceId}/nog/entities`, ownerKey, {
      name: `Concept ${tag}`,
      category: 'concept',
    })
    await must({ url }, 'POST', '/api/panels', ownerKey, { nxml: COUNTER, workspaceId })
  }

  it('a removed member stops receiving panel, workspace and graph updates, in both encodings', async () => {
    await makeBobEditor()
    const bobKey = (await must({ url }, 'POST', '/api/keys', bobSession, { name: 'bob sockets' })).key
    const peers = await Promise.all((['json', 'msgpack'] as Encoding[]).map((e) => WsPeer.open(url, e, bobKey)))
    const owner = await WsPeer.open(url, 'json', ownerKey)
    for (const peer of [...peers, owner]) await subscribeAll(peer)

    await must({ url }, 'DELETE', `/api/workspaces/${workspaceId}/members/${bobId}`, ownerKey)
    for (const peer of peers) {
      for (const channel of channels) {
        const dropped = await peer.next((m) => m.type === 'error' && (m.error.details as any)?.channel === channel)
        expect(dropped).toMatchObject({ error: { code: 'NOT_FOUND' } })
        expect(dropped.type === 'error' && dropped.error.message).toContain(channel)
      }
      await peer.drain()
    }
    await owner.drain()

    await changeEverything('after removal')
    // The owner, still a member, sees every change; Bob's sockets, still open, see none of them.
    const seen = new Set((await owner.drain()).map(channelOf))
    for (const channel of channels) expect(seen).toContain(channel)
    for (const peer of peers) {
      expect((await peer.drain()).filter((m) => m.type !== 'pong')).toEqual([])
      peer.send({ type: 'subscribe', reqId: 'again', channel: channels[0] })
      expect(await peer.answer('again')).toMatchObject({ type: 'error', error: { code: 'NOT_FOUND' } })
      peer.close()
    }
    owner.close()
  })

  async function refusedAfter(peer: WsPeer, revoke: () => Promise<unknown>): Promise<void> {
    peer.send({ type: 'subscribe', reqId: 's', channel: channels[0] })
    expect(await peer.answer('s')).toMatchObject({ type: 'ack' })
    const before = await panel()
    await revoke()
    // Sent after the revocation committed: refused whether or not the kernel already closed the socket.
    peer.send({ type: 'trigger', reqId: 't', panelId, tool: 'increment' })
    expect(await peer.closed).toBe(4401)
    expect(peer.messages.find((m) => m.type === 'ack' && m.reqId === 't')).toBeUndefined()
    const ended = peer.messages.find((m) => m.type === 'error' && m.error.code === 'UNAUTHENTICATED')
    expect(ended?.type === 'error' && ended.error.message).toMatch(/log in again/)
    expect(await panel()).toMatchObject({ version: before.version, state: before.state })
    expect(child.exitCode).toBeNull()
  }

  it('a socket opened with an API key that is then revoked is refused and closed (4401)', async () => {
    await makeBobEditor()
    for (const encoding of ['json', 'msgpack'] as const) {
      const created = await must({ url }, 'POST', '/api/keys', bobSession, { name: `doomed ${encoding}` })
      const peer = await WsPeer.open(url, encoding, created.key)
      await refusedAfter(peer, () => must({ url }, 'DELETE', `/api/keys/${created.id}`, bobSession))
    }
  })

  it('a socket that says hello as another user keeps only what that user may see', async () => {
    await makeBobEditor()
    const bobKey = (await must({ url }, 'POST', '/api/keys', bobSession, { name: 'bob hello' })).key
    const outsider = await must({ url }, 'POST', '/api/auth/register', undefined, {
      email: 'carol.sec05@example.com',
      password: 'carol sec05 Passphrase! 9y',
      name: 'Carol',
    })
    const peer = await WsPeer.open(url, 'msgpack', bobKey)
    await subscribeAll(peer)
    peer.send({ type: 'hello', reqId: 'h', token: outsider.accessToken })
    expect(await peer.answer('h')).toMatchObject({ type: 'ack', result: { user: { name: 'Carol' } } })
    for (const channel of channels) {
      const dropped = await peer.next((m) => m.type === 'error' && (m.error.details as any)?.channel === channel)
      expect(dropped).toMatchObject({ error: { code: 'NOT_FOUND' } })
    }
    await peer.drain()
    await changeEverything('after hello')
    expect((await peer.drain()).filter((m) => m.type !== 'pong')).toEqual([])
    peer.close()
  })

  it('a socket opened with a session is refused and closed (4401) after "log out everywhere"', async () => {
    for (const encoding of ['json', 'msgpack'] as const) {
      const login = await must({ url }, 'POST', '/api/auth/login', undefined, {
        email: BOB.email,
        password: BOB.password,
      })
      const peer = await WsPeer.open(url, encoding, login.accessToken)
      await refusedAfter(peer, () => must({ url }, 'POST', '/api/auth/logout-all', login.accessToken, {}))
    }
  })
})
