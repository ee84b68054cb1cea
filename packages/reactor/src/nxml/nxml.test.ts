import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { compileNxml, initialState } from './compile.ts'
import { COMPONENT_SPECS } from './componentSpecs.ts'
import { parseDefault } from './defaults.ts'
import { decodeEntities, escapeAttribute } from './entities.ts'
import { lineColumn } from './lineColumn.ts'
import { parseNxml } from './parseNxml.ts'
import { serializeNxml } from './serialize.ts'
import { stripSpans } from './stripSpans.ts'

const counter = readFileSync(new URL('../../test/cases/counter.nxml', import.meta.url), 'utf8')
const brief = (src: string) => compileNxml(src).diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`)

describe('lineColumn', () => {
  it('is 1-based and clamps out-of-range offsets', () => {
    expect([
      lineColumn('a\nbc', 0),
      lineColumn('a\nbc', 2),
      lineColumn('a\nbc', 3),
      lineColumn('a\nbc', 99),
      lineColumn('', -1),
    ]).toMatchInlineSnapshot(`
      [
        {
          "column": 1,
          "line": 1,
        },
        {
          "column": 1,
          "line": 2,
        },
        {
          "column": 2,
          "line": 2,
        },
        {
          "column": 3,
          "line": 2,
        },
        {
          "column": 1,
          "line": 1,
        },
      ]
    `)
  })
})

describe('entities', () => {
  it('decodes the five XML entities and numeric references, leaving bare ampersands', () => {
    expect(decodeEntities('&lt;a&gt; &amp;&amp; &quot;&apos; &#65;&#x42; && &nope; &#99999999;')).toMatchInlineSnapshot(
      `"<a> && "' AB && &nope; &#99999999;"`,
    )
  })

  it('reads only its own entity names, never inherited ones', () => {
    expect(decodeEntities('&toString; &constructor; &#X41; &#x; &lt')).toBe('&toString; &constructor; &#X41; &#x; &lt')
  })

  it('escapes only what the decoder would read back differently', () => {
    const value = 'a && b "q" &amp; x\ny'
    expect(escapeAttribute(value)).toMatchInlineSnapshot(`"a && b &quot;q&quot; &amp;amp; x&#10;y"`)
    expect(decodeEntities(escapeAttribute(value))).toBe(value)
  })
})

describe('state defaults', () => {
  it('reads JSON and JavaScript-style literals, including JSON whose strings look like the latter', () => {
    expect(parseDefault('list', "[1, -2, 'three', { four: 4 }]")).toEqual({
      ok: true,
      value: [1, -2, 'three', { four: 4 }],
    })
    expect(parseDefault('object', '{"x": "it\'s", "y": "a: b"}')).toEqual({ ok: true, value: { x: "it's", y: 'a: b' } })
    const withProto = parseDefault('object', '{"__proto__": 1, "x": "it\'s"}')
    expect(withProto.ok && Object.hasOwn(withProto.value as object, '__proto__')).toBe(true)
    expect(parseDefault('list', '[1, 2').ok).toBe(false)
  })
})

describe('parseNxml', () => {
  it('parses the counter panel with no diagnostics and the handler line', () => {
    const { ast, diagnostics } = parseNxml(counter)
    expect(diagnostics).toEqual([])
    expect(ast?.tools[0]?.handler).toMatchInlineSnapshot(`
      {
        "code": "$state.count += $args.step",
        "kind": "Handler",
        "line": 10,
        "span": {
          "end": 437,
          "start": 392,
        },
      }
    `)
    expect(initialState(ast!)).toMatchInlineSnapshot(`
      {
        "count": 0,
      }
    `)
  })

  it('records the line where multi-line and CDATA handler code starts', () => {
    const src =
      '<NexusPanel title="t">\n<Logic>\n<Tool name="a"><Handler>\n  x()\n</Handler></Tool>\n<Tool name="b"><Handler>\n<![CDATA[y()]]></Handler></Tool>\n</Logic>\n</NexusPanel>'
    expect(parseNxml(src).ast?.tools.map((t) => [t.handler.line, t.handler.code])).toMatchInlineSnapshot(`
      [
        [
          3,
          "
        x()
      ",
        ],
        [
          6,
          "
      y()",
        ],
      ]
    `)
  })

  it('returns no AST only without a NexusPanel root, and never throws', () => {
    expect([parseNxml('').ast, parseNxml('<Other/>').ast, parseNxml('<NexusPanel title="x"').ast?.title])
      .toMatchInlineSnapshot(`
      [
        undefined,
        undefined,
        "x",
      ]
    `)
  })

  it('survives hostile nesting and huge expressions without exhausting the stack', () => {
    const deep = `<NexusPanel title="d"><View>${'<Layout>'.repeat(20000)}</View></NexusPanel>`
    const long = `<NexusPanel title="d"><View><Text content="{${'1+'.repeat(100000)}1}" /></View></NexusPanel>`
    expect([...brief(deep), ...brief(long)]).toMatchInlineSnapshot(`
      [
        "1:1614 NX1013 Elements may nest at most 200 deep; the rest of the document was not read",
        "1:45 NX3008 At view[0].content: Expression is too long (over 2000 tokens)",
      ]
    `)
  })

  it('bounds what hostile input gets back: one diagnostic past the depth limit, 200 and a count, short paths', () => {
    const view = (body: string) => `<NexusPanel title="d"><View>${body}</View></NexusPanel>`
    const deepUnknown = compileNxml(view('<x>'.repeat(20000))).diagnostics
    expect(deepUnknown).toHaveLength(200)
    expect(deepUnknown.filter((d) => d.code === 'NX1013')).toHaveLength(1)
    expect(Math.max(...deepUnknown.map((d) => JSON.stringify(d).length))).toBeLessThan(400)
    expect(deepUnknown.at(-1)!.message).toMatchInlineSnapshot(
      `"At view[0].children[0].children[0].children[0].children[0].children[0]…(187 levels)….children[0].children[0].children[0].children[0].children[0].children[0]: <x> is not a known component"`,
    )
    const wide = compileNxml(view('<x/>'.repeat(1000)))
    expect(wide.ok).toBe(false)
    expect(wide.diagnostics).toHaveLength(201)
    expect(wide.diagnostics.at(-1)).toMatchInlineSnapshot(`
      {
        "code": "NX1014",
        "column": 4049,
        "endColumn": 4049,
        "endLine": 1,
        "line": 1,
        "message": "800 more diagnostics not shown; fix these first",
        "severity": "error",
        "span": {
          "end": 4048,
          "start": 4048,
        },
      }
    `)
    const huge = compileNxml(view(`<Text content="x" ${'a'.repeat(100_000)}="1" />`)).diagnostics
    expect(huge.map((d) => d.message.length)).toEqual([1000])
    // Many attributes on one element and many unterminated tags stay linear (they were quadratic).
    const attrs = Array.from({ length: 30_000 }, (_, i) => `a${i}="v"`).join(' ')
    expect(compileNxml(view(`<Text content="x" ${attrs} />`)).diagnostics.at(-1)!.message).toBe(
      '29800 more diagnostics not shown; fix these first',
    )
    expect(compileNxml(view('<x '.repeat(50_000))).diagnostics).toHaveLength(201)
  })

  it('reports one diagnostic for one mistake', () => {
    expect({
      missingQuote: brief(counter.replace('name="count"', 'name="count')),
      unclosedLayout: brief(counter.replace('</Layout>', '')),
      missingGt: brief(
        counter.replace('<Text content="Double: {$computed.double}" />', '<Text content="Double: {$computed.double}"'),
      ),
      typoTrigger: brief(counter.replace('trigger="increment"', 'trigger="incremnet"')),
      typoComponent: brief(counter.replace('<Metric', '<Metrik')),
    }).toMatchInlineSnapshot(`
      {
        "missingGt": [
          "16:7 NX1004 The <Text> tag is missing its closing ">" or "/>"",
        ],
        "missingQuote": [
          "3:17 NX1003 The value of this attribute is missing its closing "",
        ],
        "typoComponent": [
          "15:8 NX3003 At view[0].children[0]: <Metrik> is not a known component (did you mean \`Metric\`?)",
        ],
        "typoTrigger": [
          "17:35 NX3006 At view[0].children[2].trigger: tool "incremnet" is not defined (did you mean \`increment\`?)",
        ],
        "unclosedLayout": [
          "14:6 NX1011 <Layout> is never closed; add </Layout>",
        ],
      }
    `)
  })
})

describe('serializeNxml', () => {
  it('writes the counter back exactly as written', () => {
    expect(serializeNxml(parseNxml(counter).ast!)).toBe(counter)
  })

  it('keeps awkward values and code intact through a round trip', () => {
    const src = `<NexusPanel title="a &amp;amp; b&#61;" version="1">
  <Logic><Tool name="t"><Handler><![CDATA[if (a ]]]]><![CDATA[> b) "</Handler>"]]></Handler></Tool></Logic>
  <View><Text content="x&#10;  <y" /></View>
</NexusPanel>`
    const { ast, diagnostics } = parseNxml(src)
    expect(diagnostics).toEqual([])
    const out = serializeNxml(ast!)
    expect(out).toMatchInlineSnapshot(`
      "<NexusPanel title="a &amp;amp; b&#61;" version="1">
        <Logic>
          <Tool name="t">
            <Handler><![CDATA[if (a ]]]]><![CDATA[> b) "</Handler>"]]></Handler>
          </Tool>
        </Logic>
        <View>
          <Text content="x&#10;  <y" />
        </View>
      </NexusPanel>
      "
    `)
    expect(stripSpans(parseNxml(out).ast)).toEqual(stripSpans(ast))
  })
})

describe('names NXML defines', () => {
  it('are read exactly, and so are their prefixes, extensions and unknown names', () => {
    const names = ['label', 'lab', 'labels', 'Label', 'label:x', 'data-label', 'l.a_b-e1', 'value', 'valueX', 'v']
    const src = `<NexusPanel title="t"><View><Text ${names.map((n, i) => `${n}="${i}"`).join(' ')} /></View></NexusPanel>`
    const view = parseNxml(src).ast!.view[0]!
    expect(view.type).toBe('Text')
    expect(Object.entries(view.attrs)).toEqual(names.map((n, i) => [n, String(i)]))
  })

  it('covers every component, attribute and structural element, each read back as written', () => {
    const known = [
      ...Object.keys(COMPONENT_SPECS),
      ...Object.values(COMPONENT_SPECS).flatMap((spec) => spec.attributes.map((a) => a.name)),
      ...['NexusPanel', 'Data', 'Logic', 'View', 'State', 'Computed', 'Tool', 'Arg', 'Capabilities', 'Handler'],
    ]
    for (const name of known) {
      const el = parseNxml(`<NexusPanel title="t"><View><${name} ${name}="x" /></View></NexusPanel>`).ast!.view[0]!
      expect([el.type, Object.keys(el.attrs)]).toEqual([name, [name]])
    }
  })
})
