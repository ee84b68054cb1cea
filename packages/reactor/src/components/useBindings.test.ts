import type { ViewNode } from '@nexus/protocol'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { compileNxml, initialState } from '../nxml/compile.ts'
import { createStore } from '../state/store.ts'
import { evaluateArgs } from './Button.tsx'
import { planBindings, scopeFor } from './useBindings.ts'

const read = (name: string) => readFileSync(new URL(`../../test/cases/${name}.nxml`, import.meta.url), 'utf8')

function flatten(nodes: readonly ViewNode[]): ViewNode[] {
  return nodes.flatMap((n) => [n, ...flatten(n.children)])
}

describe('planBindings: each component subscribes to exactly the keys it reads', () => {
  it('maps counter and todo components to their state keys (through computeds)', () => {
    const plans: Record<string, unknown> = {}
    for (const name of ['counter', 'todo']) {
      const { ast } = compileNxml(read(name))
      const store = createStore(initialState(ast!), ast!.computeds)
      plans[name] = flatten(ast!.view).map((n) => `${n.type}: ${JSON.stringify(planBindings(n, store).keys)}`)
    }
    expect(plans).toMatchInlineSnapshot(`
      {
        "counter": [
          "Layout: []",
          "Metric: ["count"]",
          "Text: ["count"]",
          "Button: []",
        ],
        "todo": [
          "Layout: []",
          "Metric: ["todos"]",
          "Text: ["/todos/length","/todos/0/text"]",
          "Layout: []",
          "Button: []",
          "Button: []",
        ],
      }
    `)
  })

  it('evaluates Button args at click time into positional or named args', () => {
    const { ast } = compileNxml(read('todo'))
    const store = createStore(initialState(ast!), ast!.computeds)
    const buttons = flatten(ast!.view).filter((n) => n.type === 'Button')
    const args = () =>
      buttons.map((b) => {
        const plan = planBindings(b, store)
        return evaluateArgs(store, { plan, get: () => undefined, error: undefined })
      })
    expect(args()).toMatchInlineSnapshot(`
      [
        {
          "ok": true,
          "value": [
            "New todo",
          ],
        },
        {
          "ok": true,
          "value": [
            1,
          ],
        },
      ]
    `)
    store.applyPatch([{ op: 'replace', path: '/draft', value: 'Call mum' }])
    expect(args()[0]).toMatchInlineSnapshot(`
      {
        "ok": true,
        "value": [
          "Call mum",
        ],
      }
    `)
    expect(scopeFor(store, planBindings(flatten(ast!.view)[1]!, store))).toMatchInlineSnapshot(`
      {
        "$computed": {
          "remaining": 1,
        },
        "$state": {
          "draft": "Call mum",
          "todos": [
            {
              "done": false,
              "id": 1,
              "text": "Buy milk",
            },
            {
              "done": true,
              "id": 2,
              "text": "Write tests",
            },
          ],
        },
      }
    `)
  })
})
