import { describe, expect, it } from 'vitest'
import { collectBindingPaths, evaluateBinding, parseBinding, parseExpressionAttribute } from './binding.ts'
import { collectStatePaths } from './collect.ts'
import { evaluateExpression, type Scope } from './evaluate.ts'
import { parseExpression } from './parser.ts'
import { toJson } from './toJson.ts'

const scope: Scope = {
  $state: {
    count: 3,
    name: 'Ada',
    items: [
      { id: 1, done: true, t: 'a' },
      { id: 2, done: false, t: 'b' },
    ],
    obj: { a: { b: 7 } },
  },
  $computed: { double: 6 },
  $scope: { todo: { id: 9 } },
  $args: { step: 2 },
}

function run(src: string, s: Scope = scope) {
  const parsed = parseExpression(src)
  if (!parsed.ok) return { parseError: parsed.error }
  const r = evaluateExpression(parsed.value, s)
  return r.ok ? { value: toJson(r.value) ?? 'undefined' } : { error: r.error }
}

describe('expressions: the safe subset', () => {
  it('evaluates literals, operators, logic and ternaries like JavaScript', () => {
    const cases = [
      '1 + 2 * 3 - 4 / 2 % 3',
      '-$state.count',
      '!0',
      '\'a\' + "b" + 1',
      '1 + 2 + "x"',
      '[1, [2], { a: 1 }]',
      '{ step: 1, "x y": 2, 3: 4 }',
      '$state.count > 2 && $state.count <= 3',
      '0 || null || "fallback"',
      'null ?? 0',
      '$state.count === 3 ? "three" : "other"',
      '1 == "1"',
      '1 === "1"',
      'null == undefined',
      '2 != 2',
      '0.1 + 0.2',
      '1e3 + 0x10',
      "'\\u0041\\n'.length",
    ]
    expect(Object.fromEntries(cases.map((c) => [c, run(c)]))).toMatchInlineSnapshot(`
      {
        "!0": {
          "value": true,
        },
        "$state.count === 3 ? "three" : "other"": {
          "value": "three",
        },
        "$state.count > 2 && $state.count <= 3": {
          "value": true,
        },
        "'\\u0041\\n'.length": {
          "value": 2,
        },
        "'a' + "b" + 1": {
          "value": "ab1",
        },
        "-$state.count": {
          "value": -3,
        },
        "0 || null || "fallback"": {
          "value": "fallback",
        },
        "0.1 + 0.2": {
          "value": 0.30000000000000004,
        },
        "1 + 2 * 3 - 4 / 2 % 3": {
          "value": 5,
        },
        "1 + 2 + "x"": {
          "value": "3x",
        },
        "1 == "1"": {
          "value": true,
        },
        "1 === "1"": {
          "value": false,
        },
        "1e3 + 0x10": {
          "value": 1016,
        },
        "2 != 2": {
          "value": false,
        },
        "[1, [2], { a: 1 }]": {
          "value": [
            1,
            [
              2,
            ],
            {
              "a": 1,
            },
          ],
        },
        "null == undefined": {
          "value": true,
        },
        "null ?? 0": {
          "value": 0,
        },
        "{ step: 1, "x y": 2, 3: 4 }": {
          "value": {
            "3": 4,
            "step": 1,
            "x y": 2,
          },
        },
      }
    `)
  })

  it('reads roots, members, indexes and optional chains', () => {
    const cases = [
      '$state.obj.a.b',
      '$state["obj"]["a"].b',
      '$state.items[1].t',
      '$state.missing?.deep.er',
      '$state.missing?.[0]',
      '$scope.todo.id + $args.step',
      '$computed.double',
      '$state.items.length',
    ]
    expect(Object.fromEntries(cases.map((c) => [c, run(c)]))).toMatchInlineSnapshot(`
      {
        "$computed.double": {
          "value": 6,
        },
        "$scope.todo.id + $args.step": {
          "value": 11,
        },
        "$state.items.length": {
          "value": 2,
        },
        "$state.items[1].t": {
          "value": "b",
        },
        "$state.missing?.[0]": {
          "value": "undefined",
        },
        "$state.missing?.deep.er": {
          "value": "undefined",
        },
        "$state.obj.a.b": {
          "value": 7,
        },
        "$state["obj"]["a"].b": {
          "value": 7,
        },
      }
    `)
  })

  it('calls whitelisted helpers and methods with arrow functions', () => {
    const cases = [
      'Math.max(1, $state.count, 2)',
      'Math.round(2.5) + Math.floor(-1.5) + Math.abs(-3)',
      'String(12) + Number("3")',
      'Boolean("")',
      'JSON.stringify($state.obj)',
      '$state.items.filter(x => !x.done).map(x => x.t)',
      '$state.items.find(x => x.id === 2).t',
      '$state.items.some(x => x.done)',
      '$state.items.every(x => x.done)',
      '$state.items.reduce((sum, x) => sum + x.id, 0)',
      '$state.items.map((x, i) => i).join("-")',
      '[3, 1, 2].slice(1).includes(2)',
      '[1, 2].indexOf(2)',
      "' Ada '.trim().toUpperCase()",
      '$state.name.toLowerCase().slice(0, 2)',
      '(1 / 3).toFixed(2)',
      '$state.items.map(() => 1)',
    ]
    expect(Object.fromEntries(cases.map((c) => [c, run(c)]))).toMatchInlineSnapshot(`
      {
        "$state.items.every(x => x.done)": {
          "value": false,
        },
        "$state.items.filter(x => !x.done).map(x => x.t)": {
          "value": [
            "b",
          ],
        },
        "$state.items.find(x => x.id === 2).t": {
          "value": "b",
        },
        "$state.items.map(() => 1)": {
          "value": [
            1,
            1,
          ],
        },
        "$state.items.map((x, i) => i).join("-")": {
          "value": "0-1",
        },
        "$state.items.reduce((sum, x) => sum + x.id, 0)": {
          "value": 3,
        },
        "$state.items.some(x => x.done)": {
          "value": true,
        },
        "$state.name.toLowerCase().slice(0, 2)": {
          "value": "ad",
        },
        "' Ada '.trim().toUpperCase()": {
          "value": "ADA",
        },
        "(1 / 3).toFixed(2)": {
          "value": "0.33",
        },
        "Boolean("")": {
          "value": false,
        },
        "JSON.stringify($state.obj)": {
          "value": "{"a":{"b":7}}",
        },
        "Math.max(1, $state.count, 2)": {
          "value": 3,
        },
        "Math.round(2.5) + Math.floor(-1.5) + Math.abs(-3)": {
          "value": 4,
        },
        "String(12) + Number("3")": {
          "value": "123",
        },
        "[1, 2].indexOf(2)": {
          "value": 1,
        },
        "[3, 1, 2].slice(1).includes(2)": {
          "value": true,
        },
      }
    `)
  })
})

describe('expressions: the sandbox boundary', () => {
  it('blocks every route to the Function constructor', () => {
    const attacks = [
      "$state.constructor.constructor('return process')()",
      "$state['constructor']['constructor']('return process')()",
      "''.constructor",
      '[].map.constructor',
      '$state.__proto__',
      '$state.items.prototype',
      "Math['constructor']",
      '$state.items.map(x => x.constructor)',
      "$state['__proto__']",
    ]
    expect(Object.fromEntries(attacks.map((c) => [c, run(c)]))).toMatchInlineSnapshot(`
      {
        "$state.__proto__": {
          "error": {
            "message": "Access to "__proto__" is not allowed",
            "span": {
              "end": 16,
              "start": 0,
            },
          },
        },
        "$state.constructor.constructor('return process')()": {
          "error": {
            "message": "Access to "constructor" is not allowed",
            "span": {
              "end": 18,
              "start": 0,
            },
          },
        },
        "$state.items.map(x => x.constructor)": {
          "error": {
            "message": "Access to "constructor" is not allowed",
            "span": {
              "end": 35,
              "start": 22,
            },
          },
        },
        "$state.items.prototype": {
          "error": {
            "message": "Access to "prototype" is not allowed",
            "span": {
              "end": 22,
              "start": 0,
            },
          },
        },
        "$state['__proto__']": {
          "error": {
            "message": "Access to "__proto__" is not allowed",
            "span": {
              "end": 19,
              "start": 0,
            },
          },
        },
        "$state['constructor']['constructor']('return process')()": {
          "error": {
            "message": "Access to "constructor" is not allowed",
            "span": {
              "end": 21,
              "start": 0,
            },
          },
        },
        "''.constructor": {
          "error": {
            "message": "Access to "constructor" is not allowed",
            "span": {
              "end": 14,
              "start": 0,
            },
          },
        },
        "Math['constructor']": {
          "error": {
            "message": "Access to "constructor" is not allowed",
            "span": {
              "end": 19,
              "start": 0,
            },
          },
        },
        "[].map.constructor": {
          "error": {
            "message": "Access to "constructor" is not allowed",
            "span": {
              "end": 18,
              "start": 0,
            },
          },
        },
      }
    `)
  })

  it('never reaches inherited properties, even ones named like data', () => {
    const cases = [
      '$state.toString',
      '$state.hasOwnProperty',
      '$state.items.push',
      '$state.name.repeat',
      '$state.count.toString',
      'Math.random',
    ]
    expect(Object.fromEntries(cases.map((c) => [c, run(c)]))).toMatchInlineSnapshot(`
      {
        "$state.count.toString": {
          "value": "undefined",
        },
        "$state.hasOwnProperty": {
          "value": "undefined",
        },
        "$state.items.push": {
          "value": "undefined",
        },
        "$state.name.repeat": {
          "value": "undefined",
        },
        "$state.toString": {
          "value": "undefined",
        },
        "Math.random": {
          "value": "undefined",
        },
      }
    `)
  })

  it('does not call non-functions, unknown names or host globals', () => {
    const cases = [
      '$state.items.push(1)',
      'process',
      'globalThis',
      'eval("1")',
      'Function("return 1")',
      '$state.count()',
      'new Date()',
      'this',
      '`x`',
    ]
    expect(Object.fromEntries(cases.map((c) => [c, run(c)]))).toMatchInlineSnapshot(`
      {
        "$state.count()": {
          "error": {
            "message": ""count" is not a function",
            "span": {
              "end": 14,
              "start": 0,
            },
          },
        },
        "$state.items.push(1)": {
          "error": {
            "message": ""push" is not a function",
            "span": {
              "end": 20,
              "start": 0,
            },
          },
        },
        "Function("return 1")": {
          "error": {
            "message": ""Function" is not defined",
            "span": {
              "end": 8,
              "start": 0,
            },
          },
        },
        "\`x\`": {
          "parseError": {
            "message": "Template literals are not supported; use "Total: {expr}" binding text instead",
            "span": {
              "end": 1,
              "start": 0,
            },
          },
        },
        "eval("1")": {
          "error": {
            "message": ""eval" is not defined",
            "span": {
              "end": 4,
              "start": 0,
            },
          },
        },
        "globalThis": {
          "error": {
            "message": ""globalThis" is not defined",
            "span": {
              "end": 10,
              "start": 0,
            },
          },
        },
        "new Date()": {
          "parseError": {
            "message": ""new" is not supported in expressions",
            "span": {
              "end": 3,
              "start": 0,
            },
          },
        },
        "process": {
          "error": {
            "message": ""process" is not defined",
            "span": {
              "end": 7,
              "start": 0,
            },
          },
        },
        "this": {
          "parseError": {
            "message": ""this" is not supported in expressions",
            "span": {
              "end": 4,
              "start": 0,
            },
          },
        },
      }
    `)
  })

  it('reads a JSON key named constructor as an error, not as data (documented choice)', () => {
    const state = JSON.parse('{"o": {"constructor": 1, "__proto__": {"x": 1}}}') as Record<string, unknown>
    expect(run('$state.o.constructor', { $state: state })).toMatchInlineSnapshot(`
      {
        "error": {
          "message": "Access to "constructor" is not allowed",
          "span": {
            "end": 20,
            "start": 0,
          },
        },
      }
    `)
    expect(run('$state.o.x', { $state: state })).toMatchInlineSnapshot(`
      {
        "value": "undefined",
      }
    `)
  })
})

describe('expressions: errors are values with spans', () => {
  it('reports syntax errors at the offending token', () => {
    const cases = [
      '1 +',
      '$state.count = 1',
      '(1',
      'a.',
      '{ a: }',
      "'open",
      '1 2',
      '@',
      'x => { return x }',
      '...a',
      '1abc',
    ]
    expect(Object.fromEntries(cases.map((c) => [c, run(c)]))).toMatchInlineSnapshot(`
      {
        "$state.count = 1": {
          "parseError": {
            "message": "Assignment is not allowed in an expression (did you mean "==="?)",
            "span": {
              "end": 14,
              "start": 13,
            },
          },
        },
        "'open": {
          "parseError": {
            "message": "Unterminated string literal",
            "span": {
              "end": 5,
              "start": 0,
            },
          },
        },
        "(1": {
          "parseError": {
            "message": "Expected ")" but found the end of the expression",
            "span": {
              "end": 2,
              "start": 2,
            },
          },
        },
        "...a": {
          "parseError": {
            "message": "Spread syntax is not supported",
            "span": {
              "end": 3,
              "start": 0,
            },
          },
        },
        "1 +": {
          "parseError": {
            "message": "Expected an expression",
            "span": {
              "end": 3,
              "start": 3,
            },
          },
        },
        "1 2": {
          "parseError": {
            "message": "Unexpected "2"",
            "span": {
              "end": 3,
              "start": 2,
            },
          },
        },
        "1abc": {
          "parseError": {
            "message": "Invalid number "1a"",
            "span": {
              "end": 2,
              "start": 0,
            },
          },
        },
        "@": {
          "parseError": {
            "message": "Unexpected character "@"",
            "span": {
              "end": 1,
              "start": 0,
            },
          },
        },
        "a.": {
          "parseError": {
            "message": "Expected a property name",
            "span": {
              "end": 2,
              "start": 2,
            },
          },
        },
        "x => { return x }": {
          "parseError": {
            "message": "Arrow functions must have an expression body, not a block",
            "span": {
              "end": 6,
              "start": 5,
            },
          },
        },
        "{ a: }": {
          "parseError": {
            "message": "Unexpected "}"",
            "span": {
              "end": 6,
              "start": 5,
            },
          },
        },
      }
    `)
  })

  it('reports run-time errors at the failing sub-expression', () => {
    expect(run('1 + $state.nope.x')).toMatchInlineSnapshot(`
      {
        "error": {
          "message": "Cannot read "x" of undefined",
          "span": {
            "end": 17,
            "start": 4,
          },
        },
      }
    `)
    expect(run('$state.items.map(x => x.nope.y)')).toMatchInlineSnapshot(`
      {
        "error": {
          "message": "Cannot read "y" of undefined",
          "span": {
            "end": 30,
            "start": 22,
          },
        },
      }
    `)
    expect(run('$state.items.map(1)')).toMatchInlineSnapshot(`
      {
        "error": {
          "message": "map expects a function such as "x => x.done"",
          "span": {
            "end": 19,
            "start": 0,
          },
        },
      }
    `)
  })

  it('caches parses by source', () => {
    expect(parseExpression('$state.count + 1')).toBe(parseExpression('$state.count + 1'))
  })
})

describe('collectStatePaths', () => {
  it('lists the $state and $computed paths an expression reads', () => {
    const paths = (src: string) => {
      const p = parseExpression(src)
      return p.ok
        ? collectStatePaths(p.value).map((x) => `${x.root}${x.path.map((k) => `.${k}`).join('')}`)
        : p.error.message
    }
    expect({
      simple: paths('$state.a.b + $computed.c'),
      method: paths('$state.items.filter(t => !t.done).length'),
      dynamic: paths('$state[$state.key].x'),
      whole: paths('JSON.stringify($state)'),
      shadowed: paths('$state.list.map($state => $state.y)'),
      dedupe: paths('$state.a + $state.a'),
      index: paths('$state.todos[0].done'),
    }).toMatchInlineSnapshot(`
      {
        "dedupe": [
          "$state.a",
        ],
        "dynamic": [
          "$state",
          "$state.key",
        ],
        "index": [
          "$state.todos.0.done",
        ],
        "method": [
          "$state.items",
        ],
        "shadowed": [
          "$state.list",
        ],
        "simple": [
          "$state.a.b",
          "$computed.c",
        ],
        "whole": [
          "$state",
        ],
      }
    `)
  })
})

describe('bindings', () => {
  it('distinguishes text, a single typed expression and template text', () => {
    const show = (v: string) => {
      const b = parseBinding(v)
      if (!b.ok) return { error: b.error }
      const r = evaluateBinding(b.value, scope)
      return {
        kind: b.value.kind,
        value: r.ok ? toJson(r.value) : r.error,
        reads: collectBindingPaths(b.value).map((p) => p.path.join('.')),
      }
    }
    expect({
      text: show('plain text'),
      expr: show('{$state.count}'),
      template: show('Total: {$state.count} items, {$state.missing}!'),
      braces: show("{ '}' + $state.name }"),
      unclosed: show('Total {$state.count'),
      badExpr: show('x {1 +} y'),
      runtime: show('a {$state.x.y} b'),
    }).toMatchInlineSnapshot(`
      {
        "badExpr": {
          "error": {
            "message": "Expected an expression",
            "span": {
              "end": 6,
              "start": 6,
            },
          },
        },
        "braces": {
          "kind": "expr",
          "reads": [
            "name",
          ],
          "value": "}Ada",
        },
        "expr": {
          "kind": "expr",
          "reads": [
            "count",
          ],
          "value": 3,
        },
        "runtime": {
          "kind": "template",
          "reads": [
            "x.y",
          ],
          "value": {
            "message": "Cannot read "y" of undefined",
            "span": {
              "end": 13,
              "start": 3,
            },
          },
        },
        "template": {
          "kind": "template",
          "reads": [
            "count",
            "missing",
          ],
          "value": "Total: 3 items, !",
        },
        "text": {
          "kind": "text",
          "reads": [],
          "value": "plain text",
        },
        "unclosed": {
          "error": {
            "message": "Missing "}" to close the binding",
            "span": {
              "end": 19,
              "start": 6,
            },
          },
        },
      }
    `)
  })

  it('reads expression attributes bare or wrapped in braces', () => {
    const show = (v: string) => {
      const r = parseExpressionAttribute(v)
      if (!r.ok) return r.error
      const e = evaluateExpression(r.value.expr, scope)
      return e.ok ? toJson(e.value) : e.error
    }
    expect([show('{ step: 1 }'), show('[$scope.todo.id]'), show('{[1, 2]}'), show('{ step: }')]).toMatchInlineSnapshot(`
      [
        {
          "step": 1,
        },
        [
          9,
        ],
        [
          1,
          2,
        ],
        {
          "message": "Unexpected "}"",
          "span": {
            "end": 9,
            "start": 8,
          },
        },
      ]
    `)
  })
})
