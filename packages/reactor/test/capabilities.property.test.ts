import { inferCapabilities, netGranted } from '@nexus/protocol'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { clearNxmlCaches, compileNxml } from '../src/index.ts'

// The validator's MISSING_CAPABILITY warnings and the kernel's grants come from one analysis
// (`@nexus/protocol`'s handler module): for any handler, what the validator asks for is exactly what the
// sandbox would deny, i.e. the capabilities inferred for the code (what a tool without <Capabilities> is
// granted) that the declared ones do not cover.

const RUNS = process.env.CI ? 2_000 : 200
const STATES = ['a', 'b', 'items', 'msg']
const EVENTS = ['saved', 'done']
const ALIASES = ['http', 'kv', 'db']
const HOSTS = ['api.example.com', 'API.Example.com', '127.0.0.1', '[::1]']

const key = fc.constantFrom(...STATES)
const expr = fc.oneof(
  fc.constantFrom('1', '$args.n', "'text'", '$computed.c', '[]', '{ x: 1 }'),
  key.map((k) => `$state.${k}`),
)
const simple: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(key, expr).map(([k, e]) => `$state.${k} = ${e}`),
  fc.tuple(key, fc.constantFrom('+=', '-=', '??=', '||='), expr).map(([k, op, e]) => `$state.${k} ${op} ${e}`),
  key.map((k) => `$state.${k}++`),
  key.map((k) => `--$state.${k}`),
  fc
    .tuple(key, fc.constantFrom('push(1)', 'splice(0, 1)', 'sort()', 'filter(Boolean)'))
    .map(([k, m]) => `$state.${k}.${m}`),
  key.map((k) => `delete $state.${k}`),
  fc.tuple(key, expr).map(([k, e]) => `$state['${k}'] = ${e}`),
  key.map((k) => `Object.assign($state.${k}, { x: 1 })`),
  key.map((k) => `const v = $state.${k}?.length ?? 0`),
  fc.tuple(key, key).map(([k, j]) => `$state.${k} = \`t\${$state.${j}}\``),
  fc.tuple(fc.constantFrom(...EVENTS), expr).map(([e, x]) => `$emit('${e}', { v: ${x} })`),
  fc.constant('$emit($args.name)'),
  fc.constantFrom(...ALIASES).map((a) => `const r = await $ext.${a}.get('k')`),
  fc.constantFrom(...HOSTS).map((h) => `await $ext.http.get('https://${h}/v1?q=1')`),
  fc.constant('await $ext.http.post(`https://${$args.host}/x`)'),
  fc.constant("$view.scrollTo('list')"),
  fc.constantFrom('inbox', 'stats').map((p) => `await $panel.call('${p}', 'add', { n: 1 })`),
  key.map((k) => `$log('$state.${k} = 1')`),
  key.map((k) => `// $state.${k} = 2; $emit('saved')`),
  key.map((k) => `const found = /$state.${k} = 3/.test($args.s)`),
  fc.constant('$log($state)'),
)
const statement: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: simple },
  { weight: 1, arbitrary: fc.tuple(key, simple).map(([k, s]) => `if ($state.${k} > 0) {\n  ${s}\n}`) },
  { weight: 1, arbitrary: fc.tuple(key, simple).map(([k, s]) => `for (const it of $state.${k} ?? []) {\n  ${s}\n}`) },
)
const handler = fc.array(statement, { minLength: 1, maxLength: 6 }).map((lines) => lines.join('\n'))

const capability = fc.oneof(
  fc.tuple(fc.constantFrom('state:write', 'state:read'), fc.constantFrom(...STATES, '*')),
  fc.tuple(fc.constant('events:emit'), fc.constantFrom(...EVENTS, '*')),
  fc.tuple(fc.constantFrom('ext', 'extensions:call'), fc.constantFrom(...ALIASES, '*')),
  fc.tuple(fc.constant('net'), fc.constantFrom(...HOSTS, 'other.example.com', '*')),
  fc.tuple(fc.constant('view'), fc.constantFrom('update', '*')),
  fc.tuple(fc.constant('panel:call'), fc.constantFrom('inbox', 'stats', '*')),
)
const declared = fc.uniqueArray(capability, { maxLength: 8, selector: ([t, s]) => `${t}:${s}` })

/** The sandbox's run-time rule (`packages/sandbox/src/capabilities.ts`), written out as a test oracle. */
function sandboxAllows(grants: readonly string[], needed: string): boolean {
  const has = (prefix: string, scope: string) => grants.includes(`${prefix}:${scope}`) || grants.includes(`${prefix}:*`)
  const [, prefix, scope] = /^(state:read|state:write|events:emit|panel:call|ext|net|view):(.*)$/s.exec(needed)!
  if (prefix === 'net') return netGranted(grants, scope!)
  if (prefix === 'view') return grants.includes('view:update') || grants.includes('view:*')
  if (prefix === 'state:read') return has('state:read', scope!) || has('state:write', scope!)
  return has(prefix!, scope!)
}

function panel(code: string, caps: readonly (readonly [string, string])[] | undefined): string {
  const block = caps
    ? `<Capabilities>${caps.map(([t, s]) => `<Capability type="${t}" scope="${s}" />`).join('')}</Capabilities>`
    : ''
  return `<NexusPanel title="p">
  <Data>
    <State name="a" type="number" default="0" /><State name="b" type="number" default="1" />
    <State name="items" type="list" default="[]" /><State name="msg" type="string" default="" />
    <Computed name="c" value="$state.a + $state.b" />
  </Data>
  <Logic>
    ${ALIASES.map((a) => `<Extension name="nexus.${a}" alias="${a}" />`).join('')}
    <Tool name="t"><Arg name="n" type="number" /><Arg name="name" type="string" /><Arg name="host" type="string" /><Arg name="s" type="string" />
      ${block}
      <Handler><![CDATA[${code}]]></Handler>
    </Tool>
  </Logic>
  <View><Button label="go" trigger="t" /><Text content="{$state.items.length} {$state.msg} {$computed.c}" /></View>
</NexusPanel>`
}

/** The capabilities the validator's MISSING_CAPABILITY suggestions ask for, as grant strings. */
function warned(src: string): string[] {
  clearNxmlCaches()
  return compileNxml(src)
    .diagnostics.filter((d) => d.code === 'NX3016')
    .map((d) => {
      const [, type, scope] = /^<Capability type="([^"]*)" scope="([^"]*)" \/>$/.exec(d.suggestion!)!
      return `${type}:${scope}`
    })
    .sort()
}

describe('MISSING_CAPABILITY is what the sandbox would deny', () => {
  it('for random handlers and declarations: warnings = inferred − granted', () => {
    let warnedRuns = 0
    let grantedRuns = 0
    fc.assert(
      fc.property(handler, declared, (code, caps) => {
        const grants = caps.map(([t, s]) => `${t}:${s}`)
        const inferred = inferCapabilities(code)
        const expected = inferred.filter((c) => !sandboxAllows(grants, c))
        expect(warned(panel(code, caps))).toEqual(expected)
        if (expected.length > 0) warnedRuns++
        if (expected.length < inferred.length) grantedRuns++
      }),
      { numRuns: RUNS, seed: 13 },
    )
    // Not vacuous: most runs miss something, and many are partly covered by what they declare.
    expect(warnedRuns).toBeGreaterThan(RUNS / 2)
    expect(grantedRuns).toBeGreaterThan(RUNS / 5)
  })

  it('warns about nothing when no capabilities are declared (the kernel grants the inferred ones)', () => {
    fc.assert(
      fc.property(handler, (code) => {
        expect(warned(panel(code, undefined))).toEqual([])
      }),
      { numRuns: RUNS / 4, seed: 14 },
    )
  })

  it('grants declared as the kernel passes them: type="ext" covers $ext.<alias>, "extensions:call" does not', () => {
    const code = "await $ext.kv.get('k')"
    expect(warned(panel(code, [['ext', 'kv']]))).toEqual([])
    expect(warned(panel(code, [['extensions:call', 'kv']]))).toEqual(['ext:kv'])
  })

  it('asks for what the sandbox hides or denies beyond writes: reads, $view, $panel.call and hosts', () => {
    const code =
      "$log($state.msg)\n$view.focus('x')\nawait $panel.call('inbox', 'add')\nawait $ext.http.get('https://[0:0::1]/')"
    expect(warned(panel(code, [['ext', 'http']]))).toEqual([
      'net:[::1]',
      'panel:call:inbox',
      'state:read:msg',
      'view:update',
    ])
  })
})

describe('holes the shared analysis closed', () => {
  it('a regex literal in a handler is text, not a $state reference (the sandbox already masked it)', () => {
    const src = panel('const found = /$state.nothing = 1/.test($args.s)\n$state.a = 1', [['state:write', 'a']])
    clearNxmlCaches()
    expect(compileNxml(src).diagnostics.filter((d) => d.severity !== 'info')).toEqual([])
  })

  it('the suggested fix for $ext is the grant the sandbox checks (it said "extensions:call", which never granted)', () => {
    expect(warned(panel("await $ext.kv.get('k')", [['state:write', 'a']]))).toEqual(['ext:kv'])
  })
})
