import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineObject, defineProcess } from './define.ts'
import { nexusRegistry } from './nexus.ts'
import { TrilogRegistry } from './registry.ts'

const event = (objType: string, kind: string, attrs: unknown) => ({
  objType,
  objId: 'x',
  ts: 1,
  seq: 1,
  kind,
  attrs: attrs as never,
})

describe('TrilogRegistry', () => {
  it("validates Nexus's own events with paths in the messages", () => {
    const registry = nexusRegistry()
    expect(registry.validate(event('User', 'login', { method: 'password' }))).toEqual({ ok: true })
    expect(registry.validate(event('Panel', 'snapshot', { state: { anything: [1] } }))).toEqual({ ok: true })
    expect(
      registry.validate(
        event('Panel', 'state_change', {
          ops: [{ op: 'replace', path: '/c', value: 1 }],
          tool: 'inc',
          seed: 1,
          now: 2,
          args: { a: 1 },
        }),
      ),
    ).toEqual({ ok: true })
    expect(registry.validate(event('Workspace', 'nog_change', { ops: [], version: 1 }))).toEqual({ ok: true })
    expect(registry.validate(event('User', 'login', { method: 'magic' }))).toMatchObject({
      ok: false,
      error: { code: 'TRILOG_INVALID_EVENT', message: expect.stringMatching(/^At User\.login\.method: /) },
    })
    expect(registry.validate(event('Robot', 'login', {}))).toMatchObject({ ok: false })
    expect(registry.validate(event('User', 'dance', {}))).toMatchObject({
      ok: false,
      error: { message: 'User has no event "dance"' },
    })
    expect(registry.process('PanelExecution')?.steps).toEqual(['authorize', 'load', 'sandbox', 'apply', 'broadcast'])
  })

  it('exports JSON and imports it back with the same verdicts', () => {
    const registry = new TrilogRegistry([
      defineObject('Counter', { fields: { count: z.number().int() }, events: { reset: z.object({ to: z.number() }) } }),
      defineProcess('Tick', {
        object: 'Counter',
        steps: ['read', 'write'],
        events: { ticked: z.object({ by: z.number() }) },
      }),
    ])
    const json = JSON.parse(JSON.stringify(registry.toJSON())) as ReturnType<TrilogRegistry['toJSON']>
    expect(json.processes).toEqual([
      {
        name: 'Tick',
        description: '',
        object: 'Counter',
        steps: ['read', 'write'],
        events: { ticked: expect.any(Object) },
      },
    ])
    const imported = TrilogRegistry.fromJSON(json)
    const cases = [
      event('Counter', 'snapshot', { state: { count: 1 } }),
      event('Counter', 'snapshot', { state: { count: 1.5 } }),
      event('Counter', 'reset', { to: 0 }),
      event('Counter', 'reset', { to: 'zero' }),
      event('Counter', 'ticked', { by: 2 }),
    ]
    const verdicts = (r: TrilogRegistry) => cases.map((c) => r.validate(c).ok)
    expect(verdicts(imported)).toEqual(verdicts(registry))
    expect(verdicts(registry)).toEqual([true, false, true, false, true])
  })
})
