import type { JsonObject } from '@nexus/protocol'
import type { HostBridge, SandboxErrorCode } from '../../src/index.ts'

/** One hostile handler and the typed error it must end with. */
export interface HostileCase {
  name: string
  group:
    | 'escape'
    | 'pollution'
    | 'getters'
    | 'promises'
    | 'regex'
    | 'memory'
    | 'stack'
    | 'output'
    | 'capability'
    | 'watchdog'
  code: string
  expect: SandboxErrorCode | SandboxErrorCode[]
  /** The missing capability, for CAPABILITY_DENIED. */
  capability?: string
  capabilities?: string[]
  timeoutMs?: number
  state?: JsonObject
  /** Only the watchdog can stop it (a built-in call that ignores QuickJS's interrupt handler). */
  watchdog?: boolean
}

const ALL = ['state:write:count', 'state:write:items', 'state:write:x', 'events:emit:ok', 'view:update']
const HTTP = ['ext:http', 'net:api.example.com']

/** A host that answers every call, so a bypass would show up as success. */
export const HOST: HostBridge = {
  ext: async (alias, method) => `${alias}.${method}`,
  panelCall: async (panelId) => panelId,
}

export const CASES: HostileCase[] = [
  // Escapes: the constructor chain reaches only the guest's own Function; nothing of the host is there.
  {
    group: 'escape',
    name: 'constructor chain to Function → process',
    code: "$state.constructor.constructor('return process')().exit(1)",
    expect: 'HANDLER_ERROR',
  },
  {
    group: 'escape',
    name: 'AsyncFunction constructor → require',
    code: "await (async () => {}).constructor('return require')()('fs')",
    expect: 'HANDLER_ERROR',
  },
  {
    group: 'escape',
    name: 'Function("return this") → globalThis.process',
    code: "Function('return this')().process.binding('fs')",
    expect: 'HANDLER_ERROR',
  },
  {
    group: 'escape',
    name: 'dynamic import from eval',
    code: 'await eval(\'import("node:fs")\')',
    expect: 'HANDLER_ERROR',
  },
  {
    group: 'escape',
    name: 'host function by name through $log.constructor',
    code: "$log.constructor('return hostLog')()('info', 'x')",
    expect: 'HANDLER_ERROR',
  },
  { group: 'escape', name: '$emit.caller', code: 'return $emit.caller.name', expect: 'HANDLER_ERROR' },
  {
    group: 'escape',
    name: 'arguments.callee.caller reaches the strict prelude',
    code: 'return arguments.callee.caller.arguments',
    expect: 'HANDLER_ERROR',
  },
  {
    group: 'escape',
    name: 'WebAssembly is absent',
    code: 'new WebAssembly.Memory({ initial: 1 })',
    expect: 'HANDLER_ERROR',
  },
  {
    group: 'escape',
    name: 'SharedArrayBuffer / Atomics.wait cannot block',
    code: 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)',
    expect: 'HANDLER_ERROR',
  },
  {
    group: 'escape',
    name: 'breaking out of the wrapper',
    code: "}); throw new Error('escaped the wrapper'); (async function () {",
    expect: 'HANDLER_ERROR',
  },
  {
    group: 'escape',
    name: 'frozen $args cannot be changed',
    code: "'use strict'; $args.step = 5",
    expect: 'HANDLER_ERROR',
  },
  // Prototype pollution through state keys, return values, events and view arguments.
  {
    group: 'pollution',
    name: '__proto__ own key in $state',
    code: "Object.defineProperty($state, '__proto__', { value: { admin: true }, enumerable: true })",
    expect: 'HANDLER_ERROR',
  },
  {
    group: 'pollution',
    name: '__proto__ in the return value via JSON.parse',
    code: 'return JSON.parse(\'{"__proto__": {"polluted": true}}\')',
    expect: 'HANDLER_ERROR',
  },
  {
    group: 'pollution',
    name: 'nested __proto__ in an array item',
    code: '$state.items = [JSON.parse(\'{"a": {"__proto__": {"x": 1}}}\')]',
    expect: 'HANDLER_ERROR',
  },
  {
    group: 'pollution',
    name: 'constructor.prototype state key',
    code: '$state.x = { constructor: { prototype: { polluted: 1 } } }',
    expect: 'HANDLER_ERROR',
  },
  {
    group: 'pollution',
    name: 'prototype key deep in state',
    code: '$state.x = { a: [{ prototype: 1 }] }',
    expect: 'HANDLER_ERROR',
  },
  {
    group: 'pollution',
    name: '__proto__ in an event payload',
    code: "$emit('ok', JSON.parse('{\"__proto__\": 1}'))",
    expect: 'HANDLER_ERROR',
  },
  {
    group: 'pollution',
    name: 'constructor key in $view arguments',
    code: "$view.focus('a', { constructor: 1 })",
    expect: 'HANDLER_ERROR',
  },
  {
    group: 'pollution',
    name: 'polluting Object.prototype then failing',
    code: "Object.prototype.isAdmin = true\n$state.count = 1\nthrow new Error('after pollution')",
    expect: 'HANDLER_ERROR',
  },
  // Getters, Proxies, toJSON and Symbol.toPrimitive run inside the VM, under the same limits.
  {
    group: 'getters',
    name: 'getter in the return value loops forever',
    code: 'return { get x() { for (;;) {} } }',
    expect: 'SANDBOX_TIMEOUT',
  },
  {
    group: 'getters',
    name: 'enumerable throwing getter on $state',
    code: "Object.defineProperty($state, 'count', { get() { throw new Error('gotcha') }, enumerable: true })",
    expect: 'HANDLER_ERROR',
  },
  {
    group: 'getters',
    name: 'Proxy as $state.x whose ownKeys throws',
    code: "$state.x = new Proxy({}, { ownKeys() { throw new Error('no keys') } })",
    expect: 'HANDLER_ERROR',
  },
  {
    group: 'getters',
    name: 'Proxy that returns itself forever',
    code: 'const p = new Proxy([], { get: (t, k) => (k === "length" ? 1e9 : p) })\nreturn p',
    expect: ['HANDLER_ERROR', 'SANDBOX_MEMORY', 'SANDBOX_TIMEOUT', 'SANDBOX_STACK', 'SANDBOX_OUTPUT_LIMIT'],
  },
  {
    group: 'getters',
    name: 'toJSON that grows the output past maxOutputBytes',
    code: "return { toJSON() { return 'x'.repeat(3 * 1024 * 1024) } }",
    expect: 'SANDBOX_OUTPUT_LIMIT',
  },
  {
    group: 'getters',
    name: 'Symbol.toPrimitive that loops forever',
    code: "$state.x = { [Symbol.toPrimitive]() { for (;;) {} } }\nreturn '' + $state.x",
    expect: 'SANDBOX_TIMEOUT',
  },
  {
    group: 'getters',
    name: 'Symbol.toPrimitive as an $emit name',
    code: "$emit({ [Symbol.toPrimitive]: () => 'ok' }, 1)",
    expect: 'HANDLER_ERROR',
  },
  {
    group: 'getters',
    name: 'toJSON that emits a denied event',
    code: "return { toJSON() { $emit('secret', 1); return 1 } }",
    expect: 'CAPABILITY_DENIED',
    capability: 'events:emit:secret',
  },
  {
    group: 'getters',
    name: 'toJSON turning $state into an array',
    code: '$state.toJSON = () => [1, 2]',
    expect: 'HANDLER_ERROR',
  },
  {
    group: 'getters',
    name: 'circular $state',
    code: '$state.x = { }\n$state.x.self = $state.x',
    expect: 'HANDLER_ERROR',
  },
  // Promises and microtasks.
  {
    group: 'promises',
    name: 'a promise that never settles',
    code: 'await new Promise(() => {})',
    expect: 'SANDBOX_TIMEOUT',
  },
  {
    group: 'promises',
    name: 'a microtask loop',
    code: 'const f = () => Promise.resolve().then(f)\nf()\nawait new Promise(() => {})',
    expect: 'SANDBOX_TIMEOUT',
  },
  { group: 'promises', name: 'await in an endless loop', code: 'for (;;) await null', expect: 'SANDBOX_TIMEOUT' },
  {
    group: 'promises',
    name: 'a thenable that resolves to itself',
    code: 'const t = { then(r) { r(t) } }\nawait t',
    expect: 'SANDBOX_TIMEOUT',
  },
  {
    group: 'promises',
    name: 'an endless async generator',
    code: 'for await (const _ of (async function* () { for (;;) yield 1 })()) {}',
    expect: 'SANDBOX_TIMEOUT',
  },
  {
    group: 'promises',
    name: 'a rejection storm, then a hang',
    code: 'for (let i = 0; i < 1e4; i++) Promise.reject(new Error(String(i)))\nawait new Promise(() => {})',
    expect: 'SANDBOX_TIMEOUT',
  },
  { group: 'promises', name: 'Promise.race of nothing', code: 'await Promise.race([])', expect: 'SANDBOX_TIMEOUT' },
  // Catastrophic regular expressions: the regex engine polls the interrupt handler.
  {
    group: 'regex',
    name: '(a+)+$ on 40 a and a b',
    code: "/(a+)+$/.test('a'.repeat(40) + 'b')",
    expect: 'SANDBOX_TIMEOUT',
  },
  { group: 'regex', name: '(x+x+)+y on 5000 x', code: "/(x+x+)+y/.exec('x'.repeat(5000))", expect: 'SANDBOX_TIMEOUT' },
  {
    group: 'regex',
    name: '(a|aa)+b in a global replace',
    code: "'a'.repeat(60).replace(/(a|aa)+b/g, '')",
    expect: 'SANDBOX_TIMEOUT',
  },
  {
    group: 'regex',
    name: '^(\\w+\\s?)*$ on a word run',
    code: "/^(\\w+\\s?)*$/.test('a'.repeat(40) + '!')",
    expect: 'SANDBOX_TIMEOUT',
  },
  // Memory bombs: the 64 MiB WASM memory cap ends them.
  {
    group: 'memory',
    name: 'array of arrays',
    code: 'const a = []\nfor (;;) a.push(new Array(1e5).fill(1))',
    expect: 'SANDBOX_MEMORY',
  },
  { group: 'memory', name: 'Array(2^26).fill', code: 'new Array(2 ** 26).fill(0)', expect: 'SANDBOX_MEMORY' },
  {
    group: 'memory',
    name: 'Array(2^26).fill(0).sort()',
    code: 'new Array(2 ** 26).fill(0).sort()',
    expect: 'SANDBOX_MEMORY',
  },
  {
    group: 'memory',
    name: 'ArrayBuffer loop',
    code: 'const k = []\nfor (;;) k.push(new ArrayBuffer(8 * 1024 * 1024))',
    expect: 'SANDBOX_MEMORY',
  },
  {
    group: 'memory',
    name: 'one huge ArrayBuffer',
    code: 'new Uint8Array(2 ** 30)',
    expect: ['SANDBOX_MEMORY', 'HANDLER_ERROR'],
  },
  { group: 'memory', name: 'string doubling', code: "let s = 'x'\nfor (;;) s += s", expect: 'SANDBOX_MEMORY' },
  { group: 'memory', name: "'x'.repeat(2^29)", code: "'x'.repeat(2 ** 29)", expect: 'SANDBOX_MEMORY' },
  {
    group: 'memory',
    name: 'object with endless keys',
    code: "const o = {}\nfor (let i = 0; ; i++) o['k' + i] = i",
    expect: ['SANDBOX_MEMORY', 'SANDBOX_TIMEOUT'],
  },
  {
    group: 'memory',
    name: 'Map bomb',
    code: 'const m = new Map()\nfor (let i = 0; ; i++) m.set(i, [i])',
    expect: ['SANDBOX_MEMORY', 'SANDBOX_TIMEOUT'],
  },
  {
    group: 'memory',
    name: 'closure bomb',
    code: 'const fs = []\nfor (let i = 0; ; i++) fs.push(() => i + fs.length)',
    expect: ['SANDBOX_MEMORY', 'SANDBOX_TIMEOUT'],
  },
  { group: 'memory', name: 'Float64Array(2^25)', code: 'new Float64Array(2 ** 25)', expect: 'SANDBOX_MEMORY' },
  {
    group: 'memory',
    name: 'join of a huge array',
    code: "new Array(2 ** 24).fill('abc').join(',')",
    expect: 'SANDBOX_MEMORY',
  },
  // Recursion and deep data.
  { group: 'stack', name: 'plain recursion', code: 'function f() { return f() + 1 }\nf()', expect: 'SANDBOX_STACK' },
  {
    group: 'stack',
    name: 'recursion that catches its own overflow',
    code: 'function f() { try { return f() } catch { return f() } }\nf()',
    expect: ['SANDBOX_STACK', 'SANDBOX_TIMEOUT'],
  },
  {
    group: 'stack',
    name: 'toString recursion',
    code: "const o = { toString() { return '' + o } }\nreturn '' + o",
    expect: 'SANDBOX_STACK',
  },
  {
    group: 'stack',
    name: 'Proxy get recursion',
    code: 'const p = new Proxy({}, { get: (t, k, r) => r[k] })\nreturn p.x',
    expect: 'SANDBOX_STACK',
  },
  {
    group: 'stack',
    name: 'deep JSON.parse',
    code: "JSON.parse('['.repeat(1e5) + ']'.repeat(1e5))",
    expect: 'SANDBOX_STACK',
  },
  {
    group: 'stack',
    name: 'deeply nested $state (host-stack overflow in stringify)',
    code: 'let a = []\nfor (let i = 0; i < 1e5; i++) a = [a]\n$state.x = a',
    timeoutMs: 1000,
    expect: 'SANDBOX_STACK',
  },
  {
    group: 'stack',
    name: 'recursive getter',
    code: 'const o = { get x() { return this.x } }\nreturn o.x',
    expect: 'SANDBOX_STACK',
  },
  // Outputs.
  {
    group: 'output',
    name: 'huge $state',
    code: "$state.x = 'x'.repeat(2 * 1024 * 1024)",
    expect: 'SANDBOX_OUTPUT_LIMIT',
  },
  {
    group: 'output',
    name: 'huge return value',
    code: "return new Array(300000).fill('abcd')",
    expect: 'SANDBOX_OUTPUT_LIMIT',
  },
  {
    group: 'output',
    name: '300-deep return value',
    code: 'let a = 1\nfor (let i = 0; i < 300; i++) a = [a]\nreturn a',
    expect: 'HANDLER_ERROR',
  },
  {
    group: 'output',
    name: '20 000 state operations',
    code: '$state.x = {}\nfor (let i = 0; i < 20000; i++) $state["k" + i] = i',
    capabilities: ['state:write:*'],
    expect: 'SANDBOX_OUTPUT_LIMIT',
  },
  {
    group: 'output',
    name: '5000 events',
    code: "for (let i = 0; i < 5000; i++) $emit('ok', i)",
    expect: 'SANDBOX_OUTPUT_LIMIT',
  },
  {
    group: 'output',
    name: 'one huge event payload',
    code: "$emit('ok', 'x'.repeat(2 * 1024 * 1024))",
    expect: 'SANDBOX_OUTPUT_LIMIT',
  },
  {
    group: 'output',
    name: '5000 view commands',
    code: "for (let i = 0; i < 5000; i++) $view.focus('a')",
    expect: 'SANDBOX_OUTPUT_LIMIT',
  },
  { group: 'output', name: 'a non-serialisable return value', code: 'return 10n', expect: 'HANDLER_ERROR' },
  // Capability bypass attempts.
  {
    group: 'capability',
    name: 'write without state:write',
    code: '$state.count = 1',
    capabilities: ['state:read:count'],
    expect: 'CAPABILITY_DENIED',
    capability: 'state:write:count',
  },
  {
    group: 'capability',
    name: 'write through an alias of a readable array',
    code: 'const items = $state.items\nitems.push(1)',
    capabilities: ['state:read:items'],
    expect: 'CAPABILITY_DENIED',
    capability: 'state:write:items',
  },
  {
    group: 'capability',
    name: 'Object.assign onto $state',
    code: 'Object.assign($state, { admin: true })',
    expect: 'CAPABILITY_DENIED',
    capability: 'state:write:admin',
  },
  {
    group: 'capability',
    name: 'writing an unreadable key blind',
    code: "$state.secret = 'mine'",
    state: { count: 0, secret: 's' },
    expect: 'CAPABILITY_DENIED',
    capability: 'state:write:secret',
  },
  {
    group: 'capability',
    name: 'denied emit caught by the guest',
    code: "try { $emit('admin', 1) } catch {}",
    expect: 'CAPABILITY_DENIED',
    capability: 'events:emit:admin',
  },
  {
    group: 'capability',
    name: '$view without view:update',
    code: "$view.focus('a')",
    capabilities: [],
    expect: 'CAPABILITY_DENIED',
    capability: 'view:update',
  },
  {
    group: 'capability',
    name: '$ext without ext:<alias>',
    code: 'await $ext.secrets.read()',
    expect: 'CAPABILITY_DENIED',
    capability: 'ext:secrets',
  },
  {
    group: 'capability',
    name: '$ext alias built at run time',
    code: "await $ext['sec' + 'rets'].read()",
    capabilities: ['ext:weather'],
    expect: 'CAPABILITY_DENIED',
    capability: 'ext:secrets',
  },
  {
    group: 'capability',
    name: '$ext denial caught, then success claimed',
    code: "try { await $ext.secrets.read() } catch {}\nreturn 'fine'",
    expect: 'CAPABILITY_DENIED',
    capability: 'ext:secrets',
  },
  {
    group: 'capability',
    name: 'Promise.prototype.then replaced before $ext',
    code: 'Promise.prototype.then = function () { return 1 }\nawait $ext.secrets.read()',
    expect: 'CAPABILITY_DENIED',
    capability: 'ext:secrets',
  },
  {
    group: 'capability',
    name: 'nexus.http to an ungranted host',
    code: "await $ext.http.get('https://evil.example.net/steal')",
    capabilities: HTTP,
    expect: 'CAPABILITY_DENIED',
    capability: 'net:evil.example.net',
  },
  {
    group: 'capability',
    name: 'nexus.http userinfo trick',
    code: "await $ext.http.get('https://api.example.com@evil.example.net/')",
    capabilities: HTTP,
    expect: 'CAPABILITY_DENIED',
    capability: 'net:evil.example.net',
  },
  {
    group: 'capability',
    name: 'nexus.http to the metadata address via { url }',
    code: "await $ext.http.request({ url: 'http://169.254.169.254/latest/meta-data' })",
    capabilities: HTTP,
    expect: 'CAPABILITY_DENIED',
    capability: 'net:169.254.169.254',
  },
  {
    group: 'capability',
    name: 'nexus.http with a file: URL',
    code: "await $ext.http.get('file:///etc/passwd')",
    capabilities: HTTP,
    expect: 'CAPABILITY_DENIED',
    capability: 'net:<host>',
  },
  {
    group: 'capability',
    name: '$panel.call to an ungranted panel',
    code: "await $panel.call('admin-panel', 'wipe', {})",
    capabilities: ['panel:call:mine'],
    expect: 'CAPABILITY_DENIED',
    capability: 'panel:call:admin-panel',
  },
  {
    group: 'capability',
    name: '$panel.call with an object id',
    code: "await $panel.call({ toString: () => 'mine' }, 'x', {})",
    capabilities: ['panel:call:mine'],
    expect: 'HANDLER_ERROR',
  },
  {
    group: 'capability',
    name: 'more host calls than maxHostCalls',
    code: 'for (;;) await $ext.weather.get()',
    capabilities: ['ext:weather'],
    expect: 'SANDBOX_OUTPUT_LIMIT',
  },
  // Built-in calls that ignore the interrupt handler: only the watchdog stops them.
  {
    group: 'watchdog',
    name: "'a'.repeat(2^24).indexOf(long needle)",
    code: "'a'.repeat(2 ** 24).indexOf('a'.repeat(2 ** 12) + 'b')",
    expect: 'SANDBOX_TIMEOUT',
    watchdog: true,
  },
  {
    group: 'watchdog',
    name: 'the same, retried in a loop with finally',
    code: "for (;;) { try { 'a'.repeat(2 ** 23).indexOf('a'.repeat(4096) + 'b') } finally { continue } }",
    expect: 'SANDBOX_TIMEOUT',
    watchdog: true,
  },
  {
    group: 'watchdog',
    name: 'the same in a getter of the return value',
    code: "return { get x() { return 'a'.repeat(2 ** 23).indexOf('a'.repeat(8192) + 'b') } }",
    expect: 'SANDBOX_TIMEOUT',
    watchdog: true,
  },
]

export const DEFAULT_CAPABILITIES = ALL
