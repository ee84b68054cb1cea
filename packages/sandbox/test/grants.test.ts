import { capabilityGranted, inferCapabilities, type CapabilityUse } from '@nexus/protocol'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { canRead, checkEmit, checkHostCall, checkStateWrites, checkView } from '../src/capabilities.ts'
import { Sandbox } from '../src/index.ts'
import { request, runFail, runOk } from './helpers.ts'

// The reactor's MISSING_CAPABILITY warnings are `capabilityGranted` over `@nexus/protocol`'s inferred
// capabilities; these pin that predicate to the checks this package runs, and the inferred grants to what a
// real QuickJS run needs.

/** What the sandbox's run-time checks decide for one capability. */
function sandboxAllows(grants: readonly string[], use: Pick<CapabilityUse, 'type' | 'scope'>): boolean {
  switch (use.type) {
    case 'state:write':
      return checkStateWrites([{ op: 'replace', path: `/${use.scope}`, value: 1 }], grants) === undefined
    case 'state:read':
      return canRead(grants, use.scope)
    case 'events:emit':
      return checkEmit(use.scope, grants) === undefined
    case 'view':
      return checkView('scrollTo', grants) === undefined
    case 'panel:call':
      return checkHostCall('panel', use.scope, [], grants) === undefined
    case 'ext':
      return checkHostCall('ext', use.scope, ['https://any.example/'], [...grants, 'net:*']) === undefined
    case 'net':
      return checkHostCall('ext', 'http', [`https://${use.scope}/`], [...grants, 'ext:http']) === undefined
  }
}

const scope = fc.constantFrom(
  'a',
  'b',
  'http',
  'kv',
  'api.example.com',
  'API.example.com.',
  '127.0.0.1',
  '[::1]',
  'update',
)
const type = fc.constantFrom<CapabilityUse['type']>(
  'state:write',
  'state:read',
  'events:emit',
  'view',
  'panel:call',
  'ext',
  'net',
)
const grant = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(
        'state:write',
        'state:read',
        'events:emit',
        'view',
        'panel:call',
        'ext',
        'net',
        'extensions:call',
      ),
      fc.oneof(scope, fc.constant('*')),
    )
    .map(([t, s]) => `${t}:${s}`),
  fc.constantFrom('view:update', 'net:*', 'state:write:*'),
)

describe('capabilityGranted is the sandbox run-time check', () => {
  test('for random grants and needed capabilities', () => {
    fc.assert(
      fc.property(fc.array(grant, { maxLength: 6 }), type, scope, (grants, t, s) => {
        if (t === 'view' && s !== 'update') return
        expect(capabilityGranted(grants, { type: t, scope: s })).toBe(sandboxAllows(grants, { type: t, scope: s }))
      }),
      { numRuns: 3000, seed: 21 },
    )
  })
})

describe('inferred grants in a real QuickJS run', () => {
  let sandbox: Sandbox
  beforeAll(async () => {
    sandbox = await Sandbox.create()
  })
  afterAll(() => sandbox.dispose())

  const code = [
    '$state.count += $args.step',
    '$state.items.push($state.label)',
    "$emit('counted', { n: $state.count })",
    "$view.scrollTo('list')",
    'return $state.limit',
  ].join('\n')
  const state = { count: 1, items: [], label: 'x', limit: 5, secret: 's' }

  test('are enough for the handler, and each write, emit and view grant is needed', async () => {
    const inferred = inferCapabilities(code)
    expect(inferred).toEqual([
      'events:emit:counted',
      'state:read:count',
      'state:read:items',
      'state:read:label',
      'state:read:limit',
      'state:write:count',
      'state:write:items',
      'view:update',
    ])
    const ok = await runOk(sandbox, request(code, { state, capabilities: inferred, tier0: false }))
    expect(ok.returnValue).toBe(5)
    for (const needed of ['events:emit:counted', 'state:write:count', 'state:write:items', 'view:update']) {
      const failure = await runFail(
        sandbox,
        request(code, { state, capabilities: inferred.filter((c) => c !== needed), tier0: false }),
      )
      expect([needed, failure.code]).toEqual([needed, 'CAPABILITY_DENIED'])
    }
  })

  test('a read not granted is hidden from the handler', async () => {
    const capabilities = inferCapabilities(code).filter((c) => c !== 'state:read:limit')
    const ok = await runOk(sandbox, request(code, { state, capabilities, tier0: false }))
    expect(ok.returnValue).toBeNull() // undefined, as JSON
  })
})
