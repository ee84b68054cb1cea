import type { ToolDecl } from '@nexus/protocol'
import { describe, expect, it } from 'vitest'
import { resolveToolArgs } from './args.ts'

const span = { start: 0, end: 0 }
const tool: ToolDecl = {
  kind: 'Tool',
  name: 'add',
  args: [
    { kind: 'Arg', name: 'text', type: 'string', required: true, span },
    { kind: 'Arg', name: 'step', type: 'number', default: 1, required: false, span },
    { kind: 'Arg', name: 'tags', type: 'list', required: false, span },
  ],
  handler: { kind: 'Handler', code: '', line: 1, span },
  span,
}

describe('resolveToolArgs', () => {
  it('maps positional and named args, filling defaults', () => {
    expect([
      resolveToolArgs(tool, ['milk']),
      resolveToolArgs(tool, ['milk', 3, ['a']]),
      resolveToolArgs(tool, { text: 'milk', tags: [] }),
      resolveToolArgs(tool, { text: 'milk', step: null }),
    ]).toMatchInlineSnapshot(`
      [
        {
          "ok": true,
          "value": {
            "step": 1,
            "text": "milk",
          },
        },
        {
          "ok": true,
          "value": {
            "step": 3,
            "tags": [
              "a",
            ],
            "text": "milk",
          },
        },
        {
          "ok": true,
          "value": {
            "step": 1,
            "tags": [],
            "text": "milk",
          },
        },
        {
          "ok": true,
          "value": {
            "step": 1,
            "text": "milk",
          },
        },
      ]
    `)
  })

  it('refuses missing, extra, unknown and mistyped args with a clear message', () => {
    expect([
      resolveToolArgs(tool, undefined),
      resolveToolArgs(tool, ['milk', 1, [], 'extra']),
      resolveToolArgs(tool, { text: 'milk', stpe: 2 }),
      resolveToolArgs(tool, { text: 'milk', step: '2' }),
      resolveToolArgs(tool, { text: 1 }),
      resolveToolArgs(tool, { text: 'x', tags: {} }),
    ]).toMatchInlineSnapshot(`
      [
        {
          "error": {
            "code": "INVALID_ARGS",
            "message": "Tool "add" needs the argument "text" (string)",
          },
          "ok": false,
        },
        {
          "error": {
            "code": "INVALID_ARGS",
            "message": "Tool "add" takes 3 argument(s) (text, step, tags), but 4 were given",
          },
          "ok": false,
        },
        {
          "error": {
            "code": "INVALID_ARGS",
            "message": "Tool "add" has no argument "stpe"; its arguments are: text, step, tags",
          },
          "ok": false,
        },
        {
          "error": {
            "code": "INVALID_ARGS",
            "message": "Argument "step" of tool "add" must be a finite number, not "2"",
          },
          "ok": false,
        },
        {
          "error": {
            "code": "INVALID_ARGS",
            "message": "Argument "text" of tool "add" must be a string, not 1",
          },
          "ok": false,
        },
        {
          "error": {
            "code": "INVALID_ARGS",
            "message": "Argument "tags" of tool "add" must be a list, not {}",
          },
          "ok": false,
        },
      ]
    `)
  })
})
