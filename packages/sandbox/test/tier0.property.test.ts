import { runInThisContext } from 'node:vm'
import { parseTier0, type Json, type JsonObject } from '@nexus/protocol'
import fc from 'fast-check'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { Sandbox } from '../src/index.ts'
import type { HandlerRun, RunOutcome, SandboxLimits } from '../src/index.ts'
import { DEFAULT_LIMITS } from '../src/limits.ts'
import { Tier0 } from '../src/tier0/Tier0.ts'

// Differential test: random handlers in (and around) the tier-0 subset, each run twice on the same inputs —
// once as usual (tier 0 when it can) and once forced through QuickJS — must give the same outcome: ok or
// the same error (code, message, line, capability), the same state (key order included), ops, return value.
// NUM_RUNS=5000 npx vitest run packages/sandbox/test/tier0.property.test.ts for a longer local run.
const NUM_RUNS = Number(process.env.NUM_RUNS ?? 1500)

let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await Sandbox.create()
})
afterAll(() => sandbox.dispose())

// Keys at the top of the inputs and one level down; most paths hit something, some miss or hit a prototype.
const TOP = ['count', 'n', 's', 'a', 'items', 'step', 'missing', 'toString', '0', 'x y']
const INNER = ['b', 'n', '0', '1', '10', '4294967295', 'length', 'é', 'toString']
const IDENT = /^[A-Za-z_$][\w$]*$/

function keyText(k: string): fc.Arbitrary<string> {
  if (IDENT.test(k)) return fc.constantFrom(`.${k}`, `['${k}']`, `["${k}"]`)
  if (/^\d+$/.test(k)) return fc.constantFrom(`[${k}]`, `['${k}']`, `[${k}.0]`)
  return fc.constant(`[${JSON.stringify(k)}]`)
}
const topKey = fc.constantFrom(...TOP).chain(keyText)
const innerKey = fc.constantFrom(...INNER).chain(keyText)

const leaf: fc.Arbitrary<Json> = fc.oneof(
  fc.integer({ min: -3, max: 20 }),
  fc.double(), // NaN, ±Infinity and -0 included: both paths must hand the guest their JSON form
  fc.constantFrom(0.1, 0.2, 1e21, 1e-7, 2 ** 53, 123.456, -0),
  fc.constantFrom('', '5', ' 12 ', 'abc', 'é', '\ud83d\ude00', '\ud800', '0x10', 'true', '\n"\\'),
  fc.string({ maxLength: 4 }),
  fc.boolean(),
  fc.constant(null),
)
const numeric = fc.oneof(
  { weight: 4, arbitrary: fc.oneof(fc.integer({ min: -3, max: 20 }), fc.constantFrom(0.1, 1e21, -0, 0.5)) },
  { weight: 1, arbitrary: leaf },
)
const { value: jsonValue } = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...INNER), tie('value'), { maxKeys: 3 }),
  ),
}))
const inner = fc.dictionary(fc.constantFrom(...INNER), jsonValue, { maxKeys: 4 })
const jsonObject = fc
  .tuple(
    fc.record(
      {
        count: numeric,
        n: numeric,
        step: numeric,
        s: fc.string({ maxLength: 3 }),
        a: inner,
        items: fc.array(jsonValue, { maxLength: 3 }),
      },
      { requiredKeys: ['count', 'step', 'a'] },
    ),
    fc.dictionary(fc.constantFrom(...TOP, ...INNER), jsonValue, { maxKeys: 2 }),
  )
  .map(([known, extra]) => ({ ...extra, ...known }) as JsonObject)

const NUMBERS = ['0', '1', '2', '3', '10', '0.5', '.5', '5.', '1e3', '1e21', '0x1F', '3.14', '1e400', '1.e2']
const STRINGS = ["''", '""', "'a'", '"5"', "'x y'", "'a\\nb'", '"\\u0041"', "'\\x41'", "'it\\'s'", "'é'", "'12'"]
const literal = fc.constantFrom(...NUMBERS, ...STRINGS, 'true', 'false', 'null', 'undefined', 'NaN', 'Infinity')
const root = fc.constantFrom('$state', '$state', '$args', '$computed')
const commonKey = fc
  .constantFrom('count', 'n', 's', 'step', 'count', 'n', 's', 'step', 'a', 'items', 'missing', '0')
  .chain(keyText)
const itemKey = fc.constantFrom('[0]', '[1]', "['1']", '.length', '[2]')
/** A member chain that mostly reaches something: `.count`, `.a.b`, `.items[0]`, sometimes a miss or a prototype key. */
const chain = fc.oneof(
  { weight: 6, arbitrary: commonKey },
  { weight: 3, arbitrary: innerKey.map((k) => `.a${k}`) },
  { weight: 1, arbitrary: itemKey.map((k) => `.items${k}`) },
  { weight: 1, arbitrary: fc.tuple(topKey, innerKey).map(([a, b]) => a + b) },
  { weight: 1, arbitrary: topKey },
)
const path = fc.oneof(
  { weight: 12, arbitrary: fc.tuple(root, chain).map(([r, c]) => r + c) },
  { weight: 1, arbitrary: root },
)
const BINARY = ['+', '-', '*', '/', '%', '<', '>', '<=', '>=', '==', '!=', '===', '!==', '&&', '||']

const { expr } = fc.letrec<{ expr: string; atom: string }>((tie) => ({
  atom: fc.oneof(literal, path, path),
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('atom'),
    // flat chains exercise precedence: `a + b * c < d && e`
    fc
      .tuple(tie('atom'), fc.array(fc.tuple(fc.constantFrom(...BINARY), tie('atom')), { minLength: 1, maxLength: 4 }))
      .map(([first, rest]) => first + rest.map(([op, atom]) => ` ${op} ${atom}`).join('')),
    fc
      .tuple(tie('atom'), fc.array(tie('atom'), { minLength: 1, maxLength: 2 }))
      .map(([a, r]) => [a, ...r].join(' ?? ')),
    fc.tuple(fc.constantFrom('!', '-', '+', 'typeof ', '- ', '!!'), tie('expr')).map(([op, e]) => `${op}(${e})`),
    fc.tuple(tie('expr'), fc.constantFrom(...BINARY), tie('expr')).map(([a, op, b]) => `(${a}) ${op} (${b})`),
    fc.tuple(tie('expr'), tie('expr'), tie('expr')).map(([a, b, c]) => `${a} ? ${b} : ${c}`),
    fc.array(tie('expr'), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
    fc
      .array(fc.tuple(fc.constantFrom('a', 'n', "'x y'", '1', 'if'), tie('expr')), { maxLength: 3 })
      .map((entries) => `{ ${entries.map(([k, v]) => `${k}: ${v}`).join(', ')} }`),
  ),
}))

// Mostly-numeric expressions (the shape of real counters and toggles), so that many runs stay in tier 0.
const numericAtom = fc.oneof(
  fc.constantFrom(...NUMBERS, 'true', 'null', "'n='"),
  fc.constantFrom('$state.count', '$args.step', '$state.n', '$state["count"]', '$args.n', '$computed.n'),
)
const { numericExpr } = fc.letrec<{ numericExpr: string }>((tie) => ({
  numericExpr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    numericAtom,
    fc
      .tuple(numericAtom, fc.array(fc.tuple(fc.constantFrom(...BINARY), numericAtom), { minLength: 1, maxLength: 3 }))
      .map(([first, rest]) => first + rest.map(([op, atom]) => ` ${op} ${atom}`).join('')),
    fc.tuple(fc.constantFrom('!', '-', '+', 'typeof '), tie('numericExpr')).map(([op, e]) => `${op}(${e})`),
    fc.tuple(tie('numericExpr'), tie('numericExpr'), tie('numericExpr')).map(([a, b, c]) => `${a} ? ${b} : ${c}`),
    fc.tuple(tie('numericExpr'), tie('numericExpr')).map(([a, b]) => `(${a}) ?? (${b})`),
  ),
}))
// Operator chains over numbers (and a few strings), where any precedence or associativity slip shows.
const chainAtom = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('0', '1', '2', '3', '5', '7', '0.5', '$state.count', '$args.step') },
  { weight: 1, arbitrary: fc.constantFrom("'a'", "'5'", 'true', 'null', '-2', '!0') },
)
const precedenceChain = fc
  .tuple(chainAtom, fc.array(fc.tuple(fc.constantFrom(...BINARY), chainAtom), { minLength: 2, maxLength: 6 }))
  .map(([first, rest]) => first + rest.map(([op, atom]) => ` ${op} ${atom}`).join(''))
const anyExpr = fc.oneof(expr, numericExpr, precedenceChain)
const target = chain.map((c) => `$state${c}`)
const simple = fc
  .oneof(
    { weight: 4, arbitrary: fc.tuple(target, fc.constantFrom('=', '=', '+=', '-=', '*=', '/=', '%='), anyExpr) },
    { weight: 1, arbitrary: fc.tuple(target, fc.constantFrom('++', '--'), fc.boolean()) },
  )
  .map((s) => {
    if (typeof s[2] === 'boolean') return s[2] ? `${s[1]}${s[0]}` : `${s[0]}${s[1]}`
    return `${s[0]} ${s[1]} ${s[2]}`
  })
const SEPARATORS = [';', '\n', ';\n', ' ; ', '\n/* c\n */ ', ' // c\n']
const statement = fc.oneof(
  { weight: 6, arbitrary: simple },
  { weight: 1, arbitrary: fc.constantFrom('return', 'return;', 'return\n$state.n = 1') },
  { weight: 1, arbitrary: anyExpr.map((e) => `return ${e}`) },
  {
    weight: 2,
    arbitrary: fc.tuple(precedenceChain, fc.boolean()).map(([e, r]) => (r ? `return ${e}` : `$state.n = ${e}`)),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(anyExpr, simple, simple, fc.constantFrom(0, 1, 2))
      .map(([test, a, b, form]) =>
        form === 0
          ? `if (${test}) { ${a} } else { ${b} }`
          : form === 1
            ? `if (${test}) ${a}\nelse ${b}`
            : `if (${test}) ${a}`,
      ),
  },
)
const code = fc
  .array(fc.tuple(statement, fc.constantFrom(...SEPARATORS)), { minLength: 1, maxLength: 3 })
  .map((parts) => parts.map(([s, sep]) => s + sep).join(''))

const CAPABILITIES = [
  ['state:write:*'],
  ['state:write:*'],
  ['state:read:*', 'state:write:a', 'state:write:count'],
  ['state:write:count', 'state:read:s', 'state:read:items'],
]
const LIMITS: Array<Partial<SandboxLimits>> = [{}, {}, {}, { maxOps: 1 }, { maxOutputBytes: 80 }]

const runCase = fc.record({
  code,
  state: jsonObject,
  args: jsonObject,
  computed: fc.option(jsonObject, { freq: 3, nil: undefined }),
  capabilities: fc.constantFrom(...CAPABILITIES),
  limits: fc.constantFrom(...LIMITS),
})

/** Everything a caller can observe except the duration, with key order made visible. */
function observable(outcome: RunOutcome): unknown {
  if (!outcome.ok) return outcome
  const { durationMs: _duration, ...value } = outcome.value
  return { value, stateText: JSON.stringify(value.state), returnText: JSON.stringify(value.returnValue) }
}

test(`tier 0 and QuickJS agree on ${NUM_RUNS} random handlers`, async () => {
  let parsed = 0
  const before = sandbox.tier0Stats
  await fc.assert(
    fc.asyncProperty(runCase, async (c) => {
      const req: HandlerRun = { ...c, seed: 7, now: 1_700_000_000_000 }
      if (parseTier0(c.code)) parsed++
      const fast = await sandbox.run(req)
      const slow = await sandbox.run({ ...req, tier0: false })
      expect(observable(fast), c.code).toEqual(observable(slow))
    }),
    { numRuns: NUM_RUNS },
  )
  const after = sandbox.tier0Stats
  const answered = after.runs - before.runs
  const bailed = after.bails - before.bails
  const surprises = after.surprises - before.surprises
  console.info(`tier 0: ${parsed} of ${NUM_RUNS} parsed, ${answered} answered, ${bailed} handed to QuickJS`)
  // A surprise (an exception other than a deliberate bail) is a tier-0 bug even though QuickJS answered.
  expect(surprises, 'tier 0 threw something other than a bail').toBe(0)
  // The generator stays inside the subset's syntax, and many runs must really be answered by tier 0.
  expect(parsed / NUM_RUNS).toBeGreaterThan(0.95)
  expect(answered / NUM_RUNS).toBeGreaterThan(0.25)
}, 240_000)

// A much faster oracle for the parser and the operators: V8 itself runs the same body as a plain function on
// the same JSON copies. Wherever tier 0 answers, V8 must not throw and must leave the same state and return
// value (the subset has the same meaning in every engine; coercions that might differ already bail).
test(`tier 0 agrees with V8 on ${NUM_RUNS * 10} random handlers`, () => {
  const tier0 = new Tier0()
  const limits = { ...DEFAULT_LIMITS, maxOps: 1_000_000 }
  fc.assert(
    fc.property(runCase, (c) => {
      const req: HandlerRun = { ...c, capabilities: ['state:write:*'], seed: 7, now: 0 }
      const outcome = tier0.run(req, limits, 7, 0)
      const v8 = runInV8(c.code, c.state, c.args, c.computed ?? {})
      if (outcome === undefined) return
      expect(v8, c.code).not.toBe('threw')
      expect(outcome.ok && [outcome.value.state, outcome.value.returnValue], c.code).toEqual(v8)
      if (outcome.ok && v8 !== 'threw') expect(JSON.stringify(outcome.value.state)).toBe(JSON.stringify(v8[0]))
    }),
    { numRuns: NUM_RUNS * 10 },
  )
  expect(tier0.runs).toBeGreaterThan(NUM_RUNS * 2.5)
  expect(tier0.surprises, `tier 0 surprise: ${String(tier0.lastSurprise)}`).toBe(0)
}, 240_000) // ~16 s at load 2, past the default 30 s at load ~24

function runInV8(code: string, state: JsonObject, args: JsonObject, computed: JsonObject): [Json, Json] | 'threw' {
  const copy = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown
  const $state = copy(state)
  try {
    const handler = runInThisContext(`(function ($state, $args, $computed) {\n${code}\n})`) as (
      ...inputs: unknown[]
    ) => unknown
    const returned = handler($state, deepFreeze(copy(args)), deepFreeze(copy(computed)))
    return [copy($state) as Json, returned === undefined ? null : (copy(returned) as Json)]
  } catch {
    return 'threw'
  }
}

function deepFreeze(value: unknown): unknown {
  if (typeof value === 'object' && value !== null) Object.values(value).forEach(deepFreeze)
  return Object.freeze(value)
}
