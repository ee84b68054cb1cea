import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createExpressionExecutor } from './expressionExecutor.ts'
import { createMcpServer } from './mcp.ts'
import { createPanel } from './createPanel.ts'

const read = (name: string) => readFileSync(new URL(`../../test/cases/${name}.nxml`, import.meta.url), 'utf8')

describe('createPanel', () => {
  it('triggers tools through the executor and exposes state and computed', async () => {
    const panel = createPanel(read('counter'), { executor: createExpressionExecutor() })
    const seen: string[][] = []
    panel.subscribe((changed) => seen.push([...changed]))
    const r = await panel.trigger('increment', { step: 5 })
    expect(r.ok).toBe(true)
    expect([panel.state, panel.computed, seen]).toMatchInlineSnapshot(`
      [
        {
          "count": 5,
        },
        {
          "double": 10,
        },
        [
          [
            "count",
          ],
        ],
      ]
    `)
    expect(await panel.trigger('nope')).toMatchInlineSnapshot(`
      {
        "error": {
          "code": "UNKNOWN_TOOL",
          "message": "This panel has no tool "nope"",
        },
        "ok": false,
      }
    `)
  })

  it('fails without an executor, and renders on the server', async () => {
    const panel = createPanel(read('counter'), { state: { count: 2 } })
    expect((await panel.trigger('increment')).ok).toBe(false)
    expect(panel.renderToString()).toContain('<dd class="nx-metric__value">2</dd>')
  })

  it('runs push, filter and ++ handlers in the expression executor', async () => {
    const nxml = `<NexusPanel title="T"><Data><State name="todos" type="list" default="[{&quot;id&quot;:1,&quot;text&quot;:&quot;Buy milk&quot;,&quot;done&quot;:false},{&quot;id&quot;:2,&quot;text&quot;:&quot;Write tests&quot;,&quot;done&quot;:true}]" /><State name="next" type="number" default="3" /></Data>
      <Logic><Tool name="add"><Arg name="text" type="string" required="true" /><Handler>
        $state.todos.push({ id: $state.next, text: $args.text, done: false }); $state.next++
      </Handler></Tool><Tool name="remove"><Arg name="id" type="number" required="true" /><Handler>$state.todos = $state.todos.filter(t => t.id !== $args.id)</Handler></Tool></Logic></NexusPanel>`
    const panel = createPanel(nxml, { executor: createExpressionExecutor() })
    await panel.trigger('add', ['Call mum'])
    await panel.trigger('remove', [1])
    expect(panel.state['todos']).toMatchInlineSnapshot(`
      [
        {
          "done": true,
          "id": 2,
          "text": "Write tests",
        },
        {
          "done": false,
          "id": 3,
          "text": "Call mum",
        },
      ]
    `)
  })
})

describe('createMcpServer', () => {
  it('lists tools with JSON schemas and resources; a tool call changes the state', async () => {
    const panel = createPanel(read('counter'), { executor: createExpressionExecutor() })
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
    await createMcpServer(panel).connect(serverSide)
    const client = new Client({ name: 'test', version: '1.0.0' })
    await client.connect(clientSide)
    const { tools } = await client.listTools()
    expect(tools.map((t) => [t.name, t.inputSchema])).toMatchInlineSnapshot(`
      [
        [
          "increment",
          {
            "properties": {
              "step": {
                "default": 1,
                "type": "number",
              },
            },
            "required": [],
            "type": "object",
          },
        ],
      ]
    `)
    const result = await client.callTool({ name: 'increment', arguments: { step: 3 } })
    expect(result.isError).toBeFalsy()
    expect(panel.state).toEqual({ count: 3 })
    const { resources } = await client.listResources()
    expect(resources.map((r) => r.uri)).toMatchInlineSnapshot(`
      [
        "nexus://panel/state",
        "nexus://panel/state/count",
        "nexus://panel/computed/double",
      ]
    `)
    const doubled = await client.readResource({ uri: 'nexus://panel/computed/double' })
    expect(doubled.contents[0]).toMatchInlineSnapshot(`
      {
        "mimeType": "application/json",
        "text": "6",
        "uri": "nexus://panel/computed/double",
      }
    `)
    await client.close()
  })
})
