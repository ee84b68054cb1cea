import type { Json, JsonObject, PatchOp } from '@nexus/protocol'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { Sandbox } from '../src/index.ts'
import type { HostBridge } from '../src/index.ts'
import { request, runFail, runOk } from './helpers.ts'

let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await Sandbox.create()
})
afterAll(() => sandbox.dispose())

function recordingHost(): HostBridge & { calls: Json[]; flushes: Array<{ ops: PatchOp[]; state: JsonObject }> } {
  const calls: Json[] = []
  const flushes: Array<{ ops: PatchOp[]; state: JsonObject }> = []
  return {
    calls,
    flushes,
    ext: async (alias, method, args) => (calls.push([alias, method, args]), { echoed: args }),
    panelCall: async (panelId, tool, args) => (calls.push(['panel', panelId, tool, args]), 7),
    onFlush: (ops, state) => flushes.push({ ops, state }),
  }
}

test('$ext resolves through the host; ops before the await are flushed and committed', async () => {
  const host = recordingHost()
  const code = "$state.count = 1\nconst r = await $ext.weather.get('paris')\n$state.count = 2\nreturn r"
  const result = await runOk(sandbox, request(code, { host, capabilities: ['state:write:count', 'ext:weather'] }))
  expect(result.returnValue).toEqual({ echoed: ['paris'] })
  expect(host.calls).toEqual([['weather', 'get', ['paris']]])
  expect(host.flushes).toEqual([{ ops: [{ op: 'replace', path: '/count', value: 1 }], state: { count: 1, items: [] } }])
  expect(result.ops).toEqual([{ op: 'replace', path: '/count', value: 2 }])
  expect(result.flushes).toBe(1)
})

test('a failure after a flush discards only the ops since the flush', async () => {
  const host = recordingHost()
  const code = "$state.count = 1\nawait $ext.a.b()\n$state.count = 2\nthrow new Error('late')"
  const failure = await runFail(sandbox, request(code, { host, capabilities: ['state:write:count', 'ext:a'] }))
  expect([failure.code, failure.line]).toEqual(['HANDLER_ERROR', 4])
  expect(host.flushes.map((f) => f.ops)).toEqual([[{ op: 'replace', path: '/count', value: 1 }]])
})

test('$ext without ext:<alias> is CAPABILITY_DENIED even when caught; the host is never called', async () => {
  const host = recordingHost()
  const code = 'try { await $ext.secrets.read() } catch (e) { $log(e.message) }'
  const failure = await runFail(sandbox, request(code, { host, capabilities: ['ext:weather'] }))
  expect([failure.code, failure.capability]).toEqual(['CAPABILITY_DENIED', 'ext:secrets'])
  expect(host.calls).toEqual([])
})

test('$ext.http needs net:<host> of the URL', async () => {
  const host = recordingHost()
  const caps = ['ext:http', 'net:api.example.com']
  const ok = await runOk(
    sandbox,
    request("return await $ext.http.get('https://api.example.com/x')", { host, capabilities: caps }),
  )
  expect(ok.returnValue).toEqual({ echoed: ['https://api.example.com/x'] })
  const denied = await runFail(
    sandbox,
    request("await $ext.http.get('http://169.254.169.254/latest')", { host, capabilities: caps }),
  )
  expect(denied.capability).toBe('net:169.254.169.254')
})

test('$panel.call needs panel:call:<panelId>', async () => {
  const host = recordingHost()
  const ok = await runOk(
    sandbox,
    request("return await $panel.call('p1', 'add', { n: 1 })", { host, capabilities: ['panel:call:p1'] }),
  )
  expect([ok.returnValue, host.calls]).toEqual([7, [['panel', 'p1', 'add', { n: 1 }]]])
  const denied = await runFail(
    sandbox,
    request("await $panel.call('p2', 'add', {})", { host, capabilities: ['panel:call:p1'] }),
  )
  expect(denied.capability).toBe('panel:call:p2')
})

test('a host error rejects the guest promise; a host that never answers ends at the deadline', async () => {
  const host: HostBridge = { ext: async () => Promise.reject(new Error('upstream down')) }
  const caught = await runOk(
    sandbox,
    request('try { await $ext.a.b() } catch (e) { return e.message }', { host, capabilities: ['ext:a'] }),
  )
  expect(caught.returnValue).toBe('upstream down')
  const hang: HostBridge = { ext: () => new Promise(() => {}) }
  const failure = await runFail(
    sandbox,
    request('await $ext.a.b()', { host: hang, capabilities: ['ext:a'], limits: { timeoutMs: 100 } }),
  )
  expect(failure.code).toBe('SANDBOX_TIMEOUT')
})

test('$view commands are recorded in order and need view:update', async () => {
  const code = "$view.scrollTo('list', 10)\n$view.focus('name')"
  const result = await runOk(sandbox, request(code, { capabilities: ['view:update'] }))
  expect(result.view).toEqual([
    { cmd: 'scrollTo', id: 'list', args: [10] },
    { cmd: 'focus', id: 'name', args: [] },
  ])
  const denied = await runFail(sandbox, request("$view.focus('x')", { capabilities: [] }))
  expect(denied.capability).toBe('view:update')
})

test('keys without state:read or state:write never enter the guest and survive the run', async () => {
  const state = { count: 1, secret: 'k3y' }
  const result = await runOk(
    sandbox,
    request('$state.count += 1\nreturn typeof $state.secret', { state, capabilities: ['state:write:count'] }),
  )
  expect(result.returnValue).toBe('undefined')
  expect(result.state).toEqual({ count: 2, secret: 'k3y' })
  expect(result.ops).toEqual([{ op: 'replace', path: '/count', value: 2 }])
})

test('host calls are capped by limits.maxHostCalls', async () => {
  const host = recordingHost()
  const code = 'for (let i = 0; i < 10; i++) await $ext.a.b(i)'
  const failure = await runFail(sandbox, request(code, { host, capabilities: ['ext:a'], limits: { maxHostCalls: 3 } }))
  expect(failure.code).toBe('SANDBOX_OUTPUT_LIMIT')
  expect(host.calls.length).toBe(3)
})
