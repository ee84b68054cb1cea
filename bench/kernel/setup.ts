// Sets a fresh kernel up over HTTP the way a script would: owner, API key, the counter panel.
import { readFileSync } from 'node:fs'
import WebSocket from 'ws'
import { ROOT } from './processes.ts'

export const COUNTER = readFileSync(`${ROOT}packages/reactor/test/cases/counter.nxml`, 'utf8')
export const OWNER = { name: 'Bench Owner', email: 'bench@example.com', password: 'correct horse battery' }

export async function api(url: string, method: string, path: string, body?: unknown, token?: string) {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {}
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const json = (await res.json()) as Record<string, any>
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`)
  return json
}

/** The owner (first-run setup), an API key and their workspace. */
export async function setupOwner(url: string): Promise<{ key: string; workspaceId: string }> {
  const { accessToken } = await api(url, 'POST', '/api/auth/setup', OWNER)
  const { key } = await api(url, 'POST', '/api/keys', { name: 'bench' }, accessToken as string)
  const me = await api(url, 'GET', '/api/me', undefined, key as string)
  return { key: key as string, workspaceId: me.workspaces[0].id as string }
}

export async function createCounter(url: string, key: string): Promise<{ id: string; version: number }> {
  const panel = await api(url, 'POST', '/api/panels', { nxml: COUNTER }, key)
  return { id: panel.id as string, version: panel.version as number }
}

/** One patch frame exactly as the kernel sends it to a subscriber (after one trigger). */
export async function samplePatchFrame(wsUrl: string, key: string, panelId: string): Promise<string> {
  const socket = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${key}` } })
  await new Promise((resolve, reject) => {
    socket.once('open', resolve)
    socket.once('error', reject)
  })
  const frame = new Promise<string>((resolve, reject) => {
    socket.on('message', (data: Buffer) => {
      const text = data.toString()
      const m = JSON.parse(text) as { type: string; reqId?: string }
      if (m.type === 'patch') resolve(text)
      else if (m.type === 'ack' && m.reqId === 'sub') {
        socket.send(JSON.stringify({ type: 'trigger', reqId: 'trig', panelId, tool: 'increment' }))
      } else if (m.type === 'error') reject(new Error(text))
    })
  })
  socket.send(JSON.stringify({ type: 'subscribe', reqId: 'sub', channel: `panel:${panelId}` }))
  const text = await frame
  socket.close()
  return text
}
