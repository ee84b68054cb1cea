import type { ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Json, ServerMessage } from '@nexus/protocol'
import type { RunningKernel } from '../src/index.ts'
import { OWNER, TestClient, api, startTestKernel } from './helpers.ts'
import { freePort, spawnKernel, stopKernel } from './process.ts'

/** What the issue found built but unreachable: `bind` to the kernel, `$log`/`$view` delivery, lifecycles, flushes. */

const FORM = `<NexusPanel title="Form" version="1.0.0">
  <Data>
    <State name="draft" type="string" default="" />
    <State name="age" type="number" default="0" />
    <State name="form" type="object" default='{"email":""}' />
  </Data>
  <View>
    <Input id="draft" label="Draft" bind="draft" />
    <Input label="E-mail" bind="form.email" />
  </View>
</NexusPanel>`

const TALKER = `<NexusPanel title="Talker" version="1.0.0">
  <Data><State name="n" type="number" default="0" /></Data>
  <Logic>
    <Tool name="talk">
      <Capabilities><Capability type="state:write" scope="n" /><Capability type="view" scope="update" /></Capabilities>
      <Handler>
        $state.n += 1
        $log('n is', $state.n)
        $log.warn('careful')
        $view.focus('name')
        $view.scrollIntoView('name', { block: 'center' })
      </Handler>
    </Tool>
    <Tool name="quiet">
      <Capabilities><Capability type="view" scope="update" /></Capabilities>
      <Handler>$log('nothing changed')</Handler>
    </Tool>
    <Tool name="flood">
      <Handler>for (let i = 0; i !== 300; i++) $log('x'.repeat(5000))</Handler>
    </Tool>
    <Tool name="fail">
      <Handler>$log('about to fail')
throw new Error('boom')</Handler>
    </Tool>
  </Logic>
  <View><Input id="name" label="Name" /><Text content="{$state.n}" /></View>
</NexusPanel>`

const LIFE = `<NexusPanel title="Life" version="1.0.0">
  <Data><State name="seen" type="list" default="[]" /></Data>
  <Logic>
    <Tool name="look"><Handler>return $state.seen.length</Handler></Tool>
    <Lifecycle on="mount"><Handler>$state.seen.push('mount')
$log('mounted')</Handler></Lifecycle>
    <Lifecycle on="unmount"><Handler>$state.seen.push('unmount')</Handler></Lifecycle>
  </Logic>
  <View><Text content="{$state.seen.length}" /></View>
</NexusPanel>`

const SLOW = `<NexusPanel title="Slow" version="1.0.0">
  <Data>
    <State name="phase" type="string" default="idle" />
    <State name="body" type="object" default="{}" />
  </Data>
  <Logic>
    <Extension name="nexus.http" alias="http" />
    <Tool name="load">
      <Arg name="url" type="string" />
      <Arg name="then" type="string" default="ok" />
      <Capabilities>
        <Capability type="ext" scope="http" />
        <Capability type="net" scope="127.0.0.1" />
        <Capability type="state:write" scope="*" />
      </Capabilities>
      <Handler>
        $state.phase = $args.then === 'badtype' ? 5 : 'loading'
        const r = await $ext.http.get($args.url)
        if ($args.then === 'throw') throw new Error('after the await')
        $state.phase = 'done'
        $state.body = r.body
      </Handler>
    </Tool>
  </Logic>
  <View><Text content="{$state.phase}" /></View>
</NexusPanel>`

function isAck(reqId: string) {
  return (m: ServerMessage) => (m.type === 'ack' || m.type === 'error') && m.reqId === reqId
}

async function subscribed(kernel: RunningKernel, panelId: string, token?: string | null): Promise<TestClient> {
  const client = await TestClient.connect(kernel, token)
  client.send({ type: 'subscribe', reqId: 'sub', channel: `panel:${panelId}` })
  const got = await client.next(isAck('sub'))
  expect(got.type).toBe('ack')
  return client
}

async function create(kernel: RunningKernel, nxml: string): Promise<{ id: string; version: number; state: Json }> {
  const created = await api(kernel, 'POST', '/api/panels', { nxml })
  expect(created.status).toBe(201)
  return created.body as { id: string; version: number; state: Json }
}

async function timeline(kernel: RunningKernel, id: string): Promise<{ kind: string; attrs: Record<string, Json> }[]> {
  // The history relay hands events to TriLog after the change; poll until the awaited kinds are there.
  for (let i = 0; i < 200; i++) {
    const got = await api(kernel, 'GET', `/api/panels/${id}/timeline?from=0&to=${Number.MAX_SAFE_INTEGER}&limit=500`)
    if (got.status === 200) return got.body.entries
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error('no timeline')
}

async function timelineWith(kernel: RunningKernel, id: string, done: (kinds: string[]) => boolean) {
  for (let i = 0; i < 400; i++) {
    const entries = await timeline(kernel, id)
    if (done(entries.map((e) => e.kind))) return entries
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`timeline of ${id} never complete: ${JSON.stringify(await timeline(kernel, id))}`)
}

describe('wired through the kernel', () => {
  let kernel: RunningKernel
  let workspaceId: string
  let server: Server
  let origin: string
  /** Requests to the test server wait here until the test releases them. */
  const held: (() => void)[] = []
  let arrived = () => {}
  /** The release of the next request the test server receives, once it has arrived. */
  async function nextRequest(): Promise<() => void> {
    while (held.length === 0) await new Promise<void>((resolve) => (arrived = resolve))
    return held.shift()!
  }
  beforeAll(async () => {
    server = createServer((req, res) => {
      held.push(() => {
        res.setHeader('content-type', 'application/json')
        res.end(JSON.stringify({ path: req.url }))
      })
      arrived()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`
    ;({ kernel, workspaceId } = await startTestKernel({ httpAllowPrivate: true }))
  })
  afterAll(async () => {
    await kernel.close()
    server.close()
  })

  describe('two-way bind', () => {
    it('writes to the kernel, reaches other subscribers, and is recorded with its actor', async () => {
      const { id } = await create(kernel, FORM)
      const writer = await subscribed(kernel, id)
      const reader = await subscribed(kernel, id)
      writer.send({ type: 'bind', reqId: 'b1', panelId: id, path: 'draft', value: 'hello' })
      expect(await writer.next(isAck('b1'))).toEqual({ type: 'ack', reqId: 'b1', result: { version: 1 } })
      expect(await reader.next((m) => m.type === 'patch')).toEqual({
        type: 'patch',
        channel: `panel:${id}`,
        version: 1,
        ops: [{ op: 'replace', path: '/draft', value: 'hello' }],
      })
      writer.send({ type: 'bind', reqId: 'b2', panelId: id, path: '$state.form.email', value: 'a@b.c' })
      expect(await writer.next(isAck('b2'))).toMatchObject({ type: 'ack', result: { version: 2 } })
      // The same value again changes nothing.
      writer.send({ type: 'bind', reqId: 'b3', panelId: id, path: 'draft', value: 'hello' })
      expect(await writer.next(isAck('b3'))).toMatchObject({ type: 'ack', result: { version: 2 } })
      const panel = await api(kernel, 'GET', `/api/panels/${id}`)
      expect(panel.body).toMatchObject({ version: 2, state: { draft: 'hello', age: 0, form: { email: 'a@b.c' } } })

      const entries = await timelineWith(kernel, id, (k) => k.filter((x) => x === 'state_change').length === 2)
      const changes = entries.filter((e) => e.kind === 'state_change').map((e) => e.attrs)
      const me = (await api(kernel, 'GET', '/api/me')).body.user.id
      expect(changes.map(({ tool, args, actor, ops }) => ({ tool, args, actor, ops }))).toEqual([
        {
          tool: '$bind',
          args: { path: 'draft', value: 'hello' },
          actor: me,
          ops: [{ op: 'replace', path: '/draft', value: 'hello' }],
        },
        {
          tool: '$bind',
          args: { path: '$state.form.email', value: 'a@b.c' },
          actor: me,
          ops: [{ op: 'replace', path: '/form/email', value: 'a@b.c' }],
        },
      ])
      const replay = await api(kernel, 'POST', `/api/panels/${id}/changes/1/replay`)
      expect(replay.body.error.code).toBe('NOT_A_HANDLER_RUN')
      writer.close()
      reader.close()
    })

    it('refuses a value of the wrong type, an undeclared state and a path through nothing; nothing is applied', async () => {
      const { id } = await create(kernel, FORM)
      const client = await subscribed(kernel, id)
      const cases: [string, Json, string][] = [
        ['age', 'seven', 'STATE_INVALID'],
        ['draft', 7, 'STATE_INVALID'],
        ['form', 'flat', 'STATE_INVALID'],
        ['nope', 1, 'BIND_INVALID'],
        ['form.deep.er', 1, 'BIND_INVALID'],
      ]
      for (const [i, [path, value, code]] of cases.entries()) {
        client.send({ type: 'bind', reqId: `x${i}`, panelId: id, path, value })
        const got = await client.next(isAck(`x${i}`))
        expect(got).toMatchObject({ type: 'error', error: { code } })
      }
      client.send({ type: 'bind', reqId: 'bad', panelId: id, path: '.draft', value: 1 })
      expect(await client.next(isAck('bad'))).toMatchObject({ type: 'error', error: { code: 'BAD_MESSAGE' } })
      const panel = await api(kernel, 'GET', `/api/panels/${id}`)
      expect(panel.body).toMatchObject({ version: 0, state: { draft: '', age: 0, form: { email: '' } } })
      client.close()
    })

    it('keeps every write of a burst in order: the last value wins', async () => {
      const { id } = await create(kernel, FORM)
      const writer = await subscribed(kernel, id)
      const reader = await subscribed(kernel, id)
      const text = 'the quick brown fox'
      for (let i = 1; i <= text.length; i++)
        writer.send({ type: 'bind', reqId: `k${i}`, panelId: id, path: 'draft', value: text.slice(0, i) })
      await writer.next(isAck(`k${text.length}`))
      const patches = (await reader.until((m) => m.type === 'patch' && m.version === text.length)).filter(
        (m) => m.type === 'patch',
      )
      expect(patches.map((m) => (m.type === 'patch' ? [m.version, (m.ops[0] as { value?: Json }).value] : []))).toEqual(
        [...text].map((_, i) => [i + 1, text.slice(0, i + 1)]),
      )
      expect((await api(kernel, 'GET', `/api/panels/${id}`)).body.state.draft).toBe(text)
      writer.close()
      reader.close()
    })

    it('refuses a viewer and an outsider', async () => {
      const { id } = await create(kernel, FORM)
      const tokens: Record<string, string> = {}
      for (const who of ['viewer', 'outsider']) {
        const email = `bind-${who}@example.com`
        const registered = await api(
          kernel,
          'POST',
          '/api/auth/register',
          { email, password: 'a long enough passphrase 7', name: who },
          null,
        )
        tokens[who] = registered.body.accessToken
        if (who === 'viewer') {
          const added = await api(kernel, 'POST', `/api/workspaces/${workspaceId}/members`, { email, role: 'viewer' })
          expect(added.status).toBe(201)
        }
      }
      const viewer = await subscribed(kernel, id, tokens.viewer)
      viewer.send({ type: 'bind', reqId: 'v', panelId: id, path: 'draft', value: 'mine' })
      expect(await viewer.next(isAck('v'))).toMatchObject({ type: 'error', error: { code: 'FORBIDDEN' } })
      const outsider = await TestClient.connect(kernel, tokens.outsider)
      outsider.send({ type: 'bind', reqId: 'o', panelId: id, path: 'draft', value: 'mine' })
      expect(await outsider.next(isAck('o'))).toMatchObject({ type: 'error', error: { code: 'NOT_FOUND' } })
      expect((await api(kernel, 'GET', `/api/panels/${id}`)).body).toMatchObject({ version: 0, state: { draft: '' } })
      viewer.close()
      outsider.close()
    })
  })

  describe('$log and $view', () => {
    it('go to the triggering client only; logs are kept in history', async () => {
      const { id } = await create(kernel, TALKER)
      const caller = await subscribed(kernel, id)
      const other = await subscribed(kernel, id)
      caller.send({ type: 'trigger', reqId: 't', panelId: id, tool: 'talk' })
      const ack = await caller.next(isAck('t'))
      expect(ack).toMatchObject({
        type: 'ack',
        result: {
          version: 1,
          view: [
            { cmd: 'focus', id: 'name', args: [] },
            { cmd: 'scrollIntoView', id: 'name', args: [{ block: 'center' }] },
          ],
        },
      })
      expect((ack as unknown as { result: { logs: Json } }).result.logs).toEqual([
        { level: 'info', message: 'n is 1' },
        { level: 'warn', message: 'careful' },
      ])
      // The other subscriber gets the change, and nothing of the caller's logs or view commands.
      other.send({ type: 'ping', reqId: 'p' })
      const seen = await other.until((m) => m.type === 'pong')
      expect(seen.map((m) => m.type)).toEqual(['patch', 'pong'])

      caller.send({ type: 'trigger', reqId: 'q', panelId: id, tool: 'quiet' })
      expect(await caller.next(isAck('q'))).toEqual({
        type: 'ack',
        reqId: 'q',
        result: { version: 1, logs: [{ level: 'info', message: 'nothing changed' }] },
      })
      const entries = await timelineWith(kernel, id, (k) => k.filter((x) => x === 'handler_run').length === 2)
      // Both runs can land in one millisecond, where the timeline has no order between two annotations: compare
      // them as a set.
      const runs = entries.filter((e) => e.kind === 'handler_run').map((e) => [e.attrs.version, e.attrs.logs])
      expect(runs).toHaveLength(2)
      expect(runs).toEqual(
        expect.arrayContaining([
          [
            1,
            [
              { level: 'info', message: 'n is 1' },
              { level: 'warn', message: 'careful' },
            ],
          ],
          [undefined, [{ level: 'info', message: 'nothing changed' }]],
        ]),
      )
      caller.close()
      other.close()
    })

    it('keeps the caps on a flood, and a failing run still reports its logs', async () => {
      const { id } = await create(kernel, TALKER)
      const client = await subscribed(kernel, id)
      client.send({ type: 'trigger', reqId: 'f', panelId: id, tool: 'flood' })
      const ack = (await client.next(isAck('f'))) as unknown as { result: { logs: { message: string }[] } }
      expect(ack).toMatchObject({ type: 'ack' })
      const kept = ack.result.logs.filter((l) => !l.message.includes('dropped'))
      expect(kept.length).toBeLessThanOrEqual(200)
      expect(kept.every((l) => l.message.length <= 4096)).toBe(true)
      expect(kept.reduce((n, l) => n + l.message.length, 0)).toBeLessThanOrEqual(64 * 1024)
      expect(ack.result.logs.at(-1)!.message).toContain('dropped')

      client.send({ type: 'trigger', reqId: 'e', panelId: id, tool: 'fail' })
      expect(await client.next(isAck('e'))).toMatchObject({
        type: 'error',
        error: { code: 'HANDLER_ERROR', details: { logs: [{ level: 'info', message: 'about to fail' }] } },
      })
      const entries = await timelineWith(kernel, id, (k) => k.includes('trigger_failed'))
      expect(entries.find((e) => e.kind === 'trigger_failed')!.attrs.logs).toEqual([
        { level: 'info', message: 'about to fail' },
      ])
      client.close()
    })
  })

  describe('lifecycle', () => {
    it('mounts at creation and on restore, unmounts on trash and at shutdown, recorded like any run', async () => {
      const created = await create(kernel, LIFE)
      expect(created).toMatchObject({ version: 1, state: { seen: ['mount'] } })
      const { id } = created
      expect((await api(kernel, 'DELETE', `/api/panels/${id}`)).status).toBe(204)
      expect((await api(kernel, 'POST', `/api/panels/${id}/restore`)).status).toBe(204)
      const restored = await api(kernel, 'POST', `/api/panels/${id}/trigger`, { tool: 'look' })
      expect(restored.body.state).toEqual({ seen: ['mount', 'unmount', 'mount'] })
      await kernel.panels.unmountAll()
      expect((await api(kernel, 'GET', `/api/panels/${id}`)).body.state).toEqual({
        seen: ['mount', 'unmount', 'mount', 'unmount'],
      })
      const entries = await timelineWith(kernel, id, (k) => k.filter((x) => x === 'state_change').length === 4)
      const tools = entries.filter((e) => e.kind === 'state_change').map((e) => e.attrs.tool)
      expect(tools).toEqual(['lifecycle:mount', 'lifecycle:unmount', 'lifecycle:mount', 'lifecycle:unmount'])
      const mountRun = entries.find((e) => e.kind === 'handler_run' && e.attrs.version === 1)
      expect(mountRun?.attrs.logs).toEqual([{ level: 'info', message: 'mounted' }])
    })

    it('refuses to run a lifecycle handler as a tool', async () => {
      const { id } = await create(kernel, LIFE)
      const direct = await api(kernel, 'POST', `/api/panels/${id}/trigger`, { tool: 'lifecycle:mount' })
      expect(direct.body.error.code).toBe('TOOL_NOT_FOUND')
    })
  })

  describe('state flushed at each await', () => {
    it('reaches subscribers while the handler waits, then the rest of the run follows', async () => {
      const { id } = await create(kernel, SLOW)
      const caller = await subscribed(kernel, id)
      const other = await subscribed(kernel, id)
      caller.send({ type: 'trigger', reqId: 'l', panelId: id, tool: 'load', args: { url: `${origin}/data` } })
      // The extension's request is held until the intermediate patch was seen: no flush, no release, no pass.
      expect(await other.next((m) => m.type === 'patch')).toMatchObject({
        version: 1,
        ops: [{ op: 'replace', path: '/phase', value: 'loading' }],
      })
      ;(await nextRequest())()
      expect(await caller.next(isAck('l'))).toMatchObject({ type: 'ack', result: { version: 2 } })
      const last = await other.next((m) => m.type === 'patch')
      expect(last).toMatchObject({ version: 2 })
      expect((await api(kernel, 'GET', `/api/panels/${id}`)).body.state).toEqual({
        phase: 'done',
        body: { path: '/data' },
      })
      const entries = await timelineWith(kernel, id, (k) => k.filter((x) => x === 'state_change').length === 2)
      const changes = entries.filter((e) => e.kind === 'state_change').map((e) => e.attrs)
      expect(changes.map(({ tool, flush, flushes }) => [tool, flush, flushes])).toEqual([
        ['load', 1, undefined],
        ['load', undefined, 1],
      ])
      for (const version of [1, 2]) {
        const replay = await api(kernel, 'POST', `/api/panels/${id}/changes/${version}/replay`)
        expect(replay.body.error.code).toBe('NOT_REPLAYABLE')
      }
      caller.close()
      other.close()
    })

    it('keeps the flushed state when the run fails after the await, and applies no flush of the wrong type', async () => {
      const { id } = await create(kernel, SLOW)
      const client = await subscribed(kernel, id)
      client.send({
        type: 'trigger',
        reqId: 'x',
        panelId: id,
        tool: 'load',
        args: { url: `${origin}/a`, then: 'throw' },
      })
      await client.next((m) => m.type === 'patch' && m.version === 1)
      ;(await nextRequest())()
      expect(await client.next(isAck('x'))).toMatchObject({ type: 'error', error: { code: 'HANDLER_ERROR' } })
      expect((await api(kernel, 'GET', `/api/panels/${id}`)).body).toMatchObject({
        version: 1,
        state: { phase: 'loading', body: {} },
      })

      client.send({
        type: 'trigger',
        reqId: 'y',
        panelId: id,
        tool: 'load',
        args: { url: `${origin}/b`, then: 'badtype' },
      })
      // Nothing to see while it waits: release the request once the extension has asked.
      ;(await nextRequest())()
      expect(await client.next(isAck('y'))).toMatchObject({ type: 'error', error: { code: 'STATE_INVALID' } })
      expect((await api(kernel, 'GET', `/api/panels/${id}`)).body).toMatchObject({
        version: 1,
        state: { phase: 'loading', body: {} },
      })
      client.close()
    })
  })
})

describe('unmount at shutdown, mount after a kernel restart', () => {
  let child: ChildProcess | undefined
  afterAll(async () => {
    if (child) await stopKernel(child)
  })

  it('unmount runs at SIGTERM; mount runs when the restarted kernel first loads the panel, before the first trigger on it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nexus-wiring-'))
    const port = await freePort()
    let url: string
    ;({ url, process: child } = await spawnKernel(port, dataDir))
    const json = { 'content-type': 'application/json' }
    const setup = await fetch(`${url}/api/auth/setup`, { method: 'POST', headers: json, body: JSON.stringify(OWNER) })
    const auth = { authorization: `Bearer ${((await setup.json()) as { accessToken: string }).accessToken}` }
    const post = async (path: string, body: unknown) =>
      (await (
        await fetch(url + path, { method: 'POST', headers: { ...json, ...auth }, body: JSON.stringify(body) })
      ).json()) as {
        id: string
        state: Json
      }
    const { id, state } = await post('/api/panels', { nxml: LIFE })
    expect(state).toEqual({ seen: ['mount'] })
    await stopKernel(child)

    ;({ url, process: child } = await spawnKernel(port, dataDir))
    expect((await post(`/api/panels/${id}/trigger`, { tool: 'look' })).state).toEqual({
      seen: ['mount', 'unmount', 'mount'],
    })
    // Waits only on events (each kernel printing its URL, the first one's exit after SIGTERM, HTTP answers), no
    // sleeps; two kernel process starts (tsx, chDB) took 6 s alone and overran 30 s at load ~20, so this gets
    // the limit the other two-start tests use (crash.test.ts).
  }, 180_000)
})
