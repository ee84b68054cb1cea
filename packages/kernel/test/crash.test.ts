import type { ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { afterAll, describe, expect, it } from 'vitest'
import { applyPatch, type Json, type ServerMessage } from '@nexus/protocol'
import { COUNTER, OWNER } from './helpers.ts'
import { freePort, spawnKernel, stopKernel } from './process.ts'

const BURST = 3000
const KILL_AFTER_ACKS = 300
/** Triggers sent and not yet answered: the kill lands mid-burst however fast the kernel commits. */
const IN_FLIGHT = 100

describe('kernel killed with SIGKILL during a burst of triggers', () => {
  let kernel: ChildProcess | undefined
  afterAll(async () => {
    if (kernel) await stopKernel(kernel)
  })

  it('loses no acknowledged change, and the stored state agrees with the change log', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nexus-crash-'))
    const port = await freePort()
    let url: string
    ;({ url, process: kernel } = await spawnKernel(port, dataDir))
    const json = { 'content-type': 'application/json' }
    const setup = await fetch(`${url}/api/auth/setup`, { method: 'POST', headers: json, body: JSON.stringify(OWNER) })
    const { accessToken } = (await setup.json()) as { accessToken: string }
    const auth = { authorization: `Bearer ${accessToken}` }
    const created = await fetch(`${url}/api/panels`, {
      method: 'POST',
      headers: { ...json, ...auth },
      body: JSON.stringify({ nxml: COUNTER }),
    })
    const { id } = (await created.json()) as { id: string }

    const socket = new WebSocket(url.replace('http', 'ws') + '/ws', { headers: auth })
    await new Promise((resolve) => socket.once('open', resolve))
    let highestAcked = 0
    let acks = 0
    let sent = 0
    const send = () => {
      while (sent < BURST && sent - acks < IN_FLIGHT)
        socket.send(JSON.stringify({ type: 'trigger', reqId: `t${sent++}`, panelId: id, tool: 'increment' }))
    }
    const killed = new Promise<void>((resolve) => {
      socket.on('message', (data) => {
        const m = JSON.parse(String(data)) as ServerMessage
        if (m.type !== 'ack' || typeof m.result !== 'object' || m.result === null) return
        highestAcked = Math.max(highestAcked, (m.result as { version: number }).version)
        if (++acks === KILL_AFTER_ACKS) {
          kernel!.kill('SIGKILL')
          resolve()
        } else if (acks < KILL_AFTER_ACKS) send()
      })
    })
    send()
    await killed
    await new Promise((resolve) => kernel!.once('exit', resolve))
    socket.terminate()
    expect(highestAcked).toBeGreaterThanOrEqual(KILL_AFTER_ACKS)

    ;({ url, process: kernel } = await spawnKernel(port, dataDir))
    const panel = (await (await fetch(`${url}/api/panels/${id}`, { headers: auth })).json()) as {
      version: number
      state: { count: number }
    }
    // Every acknowledged change survived; a change applied but not yet acknowledged may survive too.
    expect(panel.version).toBeGreaterThanOrEqual(highestAcked)
    expect(panel.version).toBeLessThan(BURST)
    expect(panel.state).toEqual({ count: panel.version })

    // Replaying the stored change log from the initial state gives exactly the stored state.
    const replay = new WebSocket(url.replace('http', 'ws') + '/ws', { headers: auth })
    await new Promise((resolve) => replay.once('open', resolve))
    let state: Json = { count: 0 }
    let last = 0
    await new Promise<void>((resolve) => {
      replay.on('message', (data) => {
        const m = JSON.parse(String(data)) as ServerMessage
        if (m.type === 'patch') {
          expect(m.version).toBe(last + 1)
          last = m.version
          const next = applyPatch(state, m.ops)
          if (next.ok) state = next.value
        }
        if (m.type === 'ack') resolve()
      })
      replay.send(JSON.stringify({ type: 'subscribe', reqId: 'r', channel: `panel:${id}`, since: 0 }))
    })
    replay.close()
    expect(last).toBe(panel.version)
    expect(state).toEqual(panel.state)
  }, 180_000)
})
