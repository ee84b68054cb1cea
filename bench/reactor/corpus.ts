/**
 * A seeded generator of distinct, valid NXML panels for the reactor's cold-path bench: every panel declares
 * its own names (a per-panel tag in every state, computed, tool, arg and event name), so no expression,
 * binding or handler text repeats between panels and a text-keyed cache can answer nothing that it has not
 * seen in the same panel. The mix follows real panels: states of every type with structured defaults,
 * computeds over lists, tools whose handlers range from one assignment to loops, template strings,
 * comments, CDATA, capabilities and extension calls, and views with nested layouts, Iterate, If/Else,
 * charts, tables, forms and two-way bindings.
 */

/** mulberry32: small, fast and good enough for choosing shapes; the same seed gives the same corpus. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const DOMAINS = [
  'orders',
  'tickets',
  'invoices',
  'tasks',
  'sensors',
  'shipments',
  'leads',
  'builds',
  'incidents',
  'books',
  'patients',
  'flights',
  'repairs',
  'courses',
  'recipes',
  'devices',
  'deploys',
  'alerts',
  'members',
  'trips',
]
const FIELDS = ['qty', 'price', 'score', 'load', 'weight', 'hours', 'level', 'rank', 'cost', 'size']
const LABELS = ['name', 'title', 'owner', 'city', 'team', 'label', 'kind', 'region', 'vendor', 'author']
const STATUS_KEYS = ['status', 'stage', 'phase', 'state']
const STATUSES = ['open', 'active', 'blocked', 'review', 'done', 'queued', 'paused', 'shipped']
const WORDS = [
  'alpha',
  'beacon',
  'cedar',
  'delta',
  'ember',
  'fjord',
  'garnet',
  'harbor',
  'indigo',
  'juniper',
  'kestrel',
  'lumen',
  'maple',
  'nimbus',
  'onyx',
  'prairie',
  'quartz',
  'raven',
  'sierra',
  'tundra',
  'umber',
  'violet',
]

interface ListState {
  name: string
  field: string
  label: string
  status: string
}

/** Everything one panel declares, so the view can read each state and trigger each tool. */
interface PanelPlan {
  tag: string
  lists: ListState[]
  numbers: string[]
  strings: string[]
  flags: string[]
  objects: string[]
  computeds: string[]
  tools: { name: string; args: { name: string; type: string }[] }[]
  events: string[]
  alias: string | undefined
}

class PanelWriter {
  private readonly out: string[] = []
  constructor(
    private readonly r: () => number,
    private readonly i: number,
  ) {}

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.r() * (hi - lo + 1))
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)]!
  }
  chance(p: number): boolean {
    return this.r() < p
  }
  fraction(): number {
    return this.r()
  }
  line(depth: number, text: string): void {
    this.out.push('  '.repeat(depth) + text)
  }
  text(): string {
    return this.out.join('\n') + '\n'
  }
  /** A few words and the panel's number: titles and labels differ between panels too. */
  phrase(n: number): string {
    const words: string[] = []
    for (let k = 0; k < n; k++) words.push(this.pick(WORDS))
    return `${words.join(' ')} ${this.i}`
  }
  get index(): number {
    return this.i
  }
}

function rowDefault(w: PanelWriter, s: ListState): string {
  const rows: string[] = []
  const n = w.int(2, 6)
  for (let k = 0; k < n; k++) {
    rows.push(
      `{"id":${k + 1},"${s.label}":"${w.pick(WORDS)} ${w.int(1, 999)}","${s.field}":${w.int(0, 500)},` +
        `"${s.status}":"${w.pick(STATUSES)}","day":"2026-0${w.int(1, 9)}-1${w.int(0, 9)}"}`,
    )
  }
  return `[${rows.join(',')}]`
}

function planPanel(w: PanelWriter): PanelPlan {
  const tag = w.index.toString(36)
  const domain = w.pick(DOMAINS)
  const lists: ListState[] = []
  for (let k = 0, n = w.int(1, 3); k < n; k++)
    lists.push({
      name: `${domain}${k}_${tag}`,
      field: w.pick(FIELDS),
      label: w.pick(LABELS),
      status: w.pick(STATUS_KEYS),
    })
  const names = (prefix: string, lo: number, hi: number): string[] =>
    Array.from({ length: w.int(lo, hi) }, (_, k) => `${prefix}${k}_${tag}`)
  return {
    tag,
    lists,
    numbers: names('total', 1, 3),
    strings: names('draft', 1, 2),
    flags: names('show', 0, 2),
    objects: names('prefs', 0, 1),
    computeds: [],
    tools: [],
    events: names('changed', 0, 2),
    alias: w.chance(0.3) ? `svc_${tag}` : undefined,
  }
}

function writeData(w: PanelWriter, p: PanelPlan): void {
  w.line(1, '<Data>')
  for (const s of p.lists) w.line(2, `<State name="${s.name}" type="list" default='${rowDefault(w, s)}' />`)
  for (const n of p.numbers) w.line(2, `<State name="${n}" type="number" default="${w.int(0, 90)}" />`)
  for (const s of p.strings) w.line(2, `<State name="${s}" type="string" default="${w.pick(WORDS)}" />`)
  for (const f of p.flags) w.line(2, `<State name="${f}" type="boolean" default="${w.chance(0.5)}" />`)
  for (const o of p.objects)
    w.line(2, `<State name="${o}" type="object" default='{"page":${w.int(1, 9)},"sort":"${w.pick(FIELDS)}"}' />`)
  const shapes = [
    (s: ListState) => `$state.${s.name}.filter(r => r.${s.field} > ${w.int(1, 400)}).length`,
    (s: ListState) => `$state.${s.name}.reduce((sum, r) => sum + r.${s.field}, 0)`,
    (s: ListState) => `$state.${s.name}.map(r => r.${s.label}).join(', ')`,
    (s: ListState) => `$state.${s.name}.filter(r => r.${s.status} === '${w.pick(STATUSES)}')`,
    (s: ListState) => `$state.${s.name}.reduce((m, r) => Math.max(m, r.${s.field} * ${w.int(2, 9)}), 0)`,
  ]
  for (let k = 0, n = w.int(1, 4); k < n; k++) {
    const name = `calc${k}_${p.tag}`
    const prev = p.computeds.at(-1)
    const value =
      prev && w.chance(0.3)
        ? `$computed.${prev} ${w.pick(['+', '*', '-'])} $state.${w.pick(p.numbers)} * ${w.int(2, 50)}`
        : w.pick(shapes)(w.pick(p.lists))
    p.computeds.push(name)
    w.line(2, `<Computed name="${name}" value="${w.chance(0.5) ? value.replace(' > ', ' &gt; ') : value}" />`)
  }
  w.line(1, '</Data>')
}

/** One tool's handler: shapes from a single assignment to loops with comments, templates and calls. */
function handlerBody(w: PanelWriter, p: PanelPlan, args: { name: string; type: string }[], depth: number): string[] {
  const list = w.pick(p.lists)
  const num = w.pick(p.numbers)
  const str = w.pick(p.strings)
  const arg = (type: string): string => {
    const a = args.find((x) => x.type === type)
    return a ? `$args.${a.name}` : type === 'number' ? String(w.int(1, 20)) : `'${w.pick(WORDS)}'`
  }
  const ind = '  '.repeat(depth)
  const shapes: (() => string[])[] = [
    () => [`$state.${num} += ${arg('number')}`],
    () => [
      `$state.${list.name}.push({ id: $state.${list.name}.length + 1, ${list.label}: ${arg('string')}, ${list.field}: ${arg('number')}, ${list.status}: '${w.pick(STATUSES)}' })`,
      `$state.${str} = ''`,
    ],
    () => [
      `// recount ${list.name} above the threshold`,
      `let n = 0`,
      `for (const r of $state.${list.name}) {`,
      `  if (r.${list.field} > ${w.int(10, 300)}) n++`,
      `}`,
      `$state.${num} = n`,
      `$log(\`${list.name}: \${n} over\`)`,
    ],
    () => [
      `$state.${list.name} = $state.${list.name}.map(r => r.id === ${arg('number')} ? { ...r, ${list.status}: '${w.pick(STATUSES)}' } : r)`,
    ],
    () => [
      `const row = $state.${list.name}.find(r => r.id === ${arg('number')})`,
      `if (!row) { $log('no row in ${list.name}'); return }`,
      `row.${list.field} = Math.round(row.${list.field} * ${(1 + w.fraction()).toFixed(2)})`,
      `/* keep the newest first */`,
      `$state.${list.name}.sort((a, b) => b.${list.field} - a.${list.field})`,
    ],
    () => [`$state.${str} = ${arg('string')}.trim().slice(0, ${w.int(8, 80)})`, `$state.${num}--`],
    () => [
      `const kept = $state.${list.name}.filter(r => r.${list.status} !== "${w.pick(STATUSES)}")`,
      `$state.${num} = $state.${list.name}.length - kept.length`,
      `$state.${list.name} = kept`,
    ],
  ]
  const lines: string[] = []
  for (let k = 0, n = w.int(1, 2); k < n; k++) lines.push(...w.pick(shapes)())
  if (p.events.length && w.chance(0.4))
    lines.push(`$emit('${w.pick(p.events)}', { ${list.name}: $state.${list.name}.length, at: ${w.int(1, 9999)} })`)
  if (p.alias && w.chance(0.5))
    lines.push(`const reply = await $ext.${p.alias}.get('/v1/${list.name}?limit=${w.int(5, 50)}')`, `$log(reply)`)
  return lines.map((l) => ind + l)
}

function writeLogic(w: PanelWriter, p: PanelPlan): void {
  w.line(1, '<Logic>')
  if (p.alias) w.line(2, `<Extension name="nexus.http" alias="${p.alias}" />`)
  const verbs = ['add', 'bump', 'clear', 'move', 'sync', 'rank', 'trim', 'tag']
  for (let k = 0, n = w.int(2, 5); k < n; k++) {
    const name = `${w.pick(verbs)}${k}_${p.tag}`
    const args: { name: string; type: string }[] = []
    for (let a = 0, na = w.int(0, 3); a < na; a++)
      args.push({
        name: `${w.pick(['id', 'step', 'text', 'note', 'amount'])}${a}_${p.tag}`,
        type: w.pick(['number', 'string']),
      })
    p.tools.push({ name, args })
    const desc = w.chance(0.7) ? ` description="${w.phrase(3)}"` : ''
    w.line(2, `<Tool name="${name}"${desc}>`)
    for (const a of args) {
      const extra = w.chance(0.5)
        ? ` required="true"`
        : ` default="${a.type === 'number' ? w.int(0, 9) : w.pick(WORDS)}"`
      w.line(3, `<Arg name="${a.name}" type="${a.type}"${extra} />`)
    }
    const body = handlerBody(w, p, args, 4)
    if (w.chance(0.35)) writeCapabilities(w, p, body)
    if (body.some((l) => l.includes('<') || l.includes('&')) || w.chance(0.15)) {
      w.line(3, '<Handler><![CDATA[')
      for (const l of body) w.line(0, l)
      w.line(3, ']]></Handler>')
    } else if (body.length === 1 && w.chance(0.6)) w.line(3, `<Handler>${body[0]!.trim()}</Handler>`)
    else {
      w.line(3, '<Handler>')
      for (const l of body) w.line(0, l)
      w.line(3, '</Handler>')
    }
    w.line(2, '</Tool>')
  }
  if (w.chance(0.3)) w.line(2, `<Lifecycle on="mount"><Handler>$log('mounted ${p.tag}')</Handler></Lifecycle>`)
  w.line(1, '</Logic>')
}

/** Grants exactly what the body writes, emits and calls, so the panel has no MISSING_CAPABILITY warning. */
function writeCapabilities(w: PanelWriter, p: PanelPlan, body: string[]): void {
  const code = body.join('\n')
  w.line(3, '<Capabilities>')
  const all = [...p.lists.map((s) => s.name), ...p.numbers, ...p.strings]
  for (const s of all) if (code.includes(`$state.${s}`)) w.line(4, `<Capability type="state:write" scope="${s}" />`)
  for (const e of p.events) if (code.includes(`'${e}'`)) w.line(4, `<Capability type="events:emit" scope="${e}" />`)
  if (p.alias && code.includes(`$ext.${p.alias}`)) w.line(4, `<Capability type="ext" scope="${p.alias}" />`)
  w.line(3, '</Capabilities>')
}

function writeView(w: PanelWriter, p: PanelPlan): void {
  w.line(1, '<View>')
  w.line(2, `<Layout strategy="${w.pick(['stack', 'auto', 'row'])}" gap="${w.pick(['sm', 'md', 'lg'])}">`)
  const blocks: ((d: number) => void)[] = [
    (d) => {
      w.line(d, `<Layout strategy="grid" columns="${w.int(2, 4)}">`)
      for (const c of p.computeds)
        w.line(
          d + 1,
          `<Metric label="${w.phrase(1)}" value="{$computed.${c}}"${w.chance(0.4) ? ` trend="${w.pick(['up', 'down', 'flat'])}"` : ''} />`,
        )
      for (const n of p.numbers)
        w.line(
          d + 1,
          `<Metric label="${w.phrase(2)}" value="{$state.${n}}" unit="${w.pick(['h', 'kg', '%', 'pcs'])}" />`,
        )
      w.line(d, '</Layout>')
    },
    (d) => {
      const s = w.pick(p.lists)
      w.line(
        d,
        `<Iterate items="{$state.${s.name}}" as="row_${p.tag}" index="at_${p.tag}" key="$scope.row_${p.tag}.id">`,
      )
      w.line(d + 1, `<Layout strategy="row" gap="sm">`)
      w.line(
        d + 2,
        `<Text content="{$scope.at_${p.tag} + 1}. {$scope.row_${p.tag}.${s.label}} ({$scope.row_${p.tag}.${s.field} ?? 0})" />`,
      )
      w.line(d + 2, `<StatusBadge status="{$scope.row_${p.tag}.${s.status} === 'done' ? 'ok' : 'info'}" />`)
      w.line(d + 1, '</Layout>')
      w.line(d, '</Iterate>')
    },
    (d) => {
      const s = w.pick(p.lists)
      w.line(
        d,
        `<Chart type="${w.pick(['line', 'bar', 'area', 'pie'])}" data="{$state.${s.name}}" x="id" y="${s.field}" title="${w.phrase(2)}" height="${w.int(160, 320)}" />`,
      )
    },
    (d) => {
      const s = w.pick(p.lists)
      w.line(
        d,
        `<Table data="{$state.${s.name}.filter(r => r.${s.field} >= ${w.int(0, 100)})}" columns="id,${s.label},${s.field}" pageSize="${w.int(5, 25)}" />`,
      )
    },
    (d) => {
      const cond = p.flags.length ? `$state.${w.pick(p.flags)}` : `$state.${w.pick(p.numbers)} > ${w.int(1, 50)}`
      w.line(d, `<If condition="{${cond}}">`)
      w.line(d + 1, `<Text content="${w.phrase(3)}: {$state.${w.pick(p.strings)}}" variant="muted" />`)
      w.line(d, '</If>')
      w.line(d, '<Else>')
      w.line(d + 1, `<Markdown content="**${w.phrase(2)}** has {$state.${w.pick(p.lists).name}.length} rows" />`)
      w.line(d, '</Else>')
    },
    (d) => {
      w.line(d, `<Container title="${w.phrase(2)}" variant="${w.pick(['card', 'outlined', 'plain'])}">`)
      w.line(
        d + 1,
        `<Text content="{$state.${w.pick(p.strings)}.toUpperCase()} / {$state.${w.pick(p.numbers)} * ${w.int(2, 12)}}" />`,
      )
      w.line(d, '</Container>')
    },
  ]
  for (let k = 0, n = w.int(3, 6); k < n; k++) w.pick(blocks)(3)
  writeReads(w, p, 3)
  writeTriggers(w, p, 3)
  w.line(2, '</Layout>')
  w.line(1, '</View>')
}

/** Reads every state somewhere (inputs bound to it, or a line of text), so none is unused. */
function writeReads(w: PanelWriter, p: PanelPlan, d: number): void {
  const tabs = w.chance(0.5)
  if (tabs) w.line(d, `<Tabs selected="${w.int(0, 1)}">`)
  if (tabs) w.line(d + 1, `<Tab label="${w.phrase(1)}">`)
  const e = tabs ? d + 2 : d
  w.line(e, `<Layout strategy="stack">`)
  for (const s of p.strings)
    w.line(
      e + 1,
      w.chance(0.5)
        ? `<Input label="${w.phrase(1)}" bind="${s}" placeholder="${w.phrase(2)}" />`
        : `<TextArea label="${w.phrase(1)}" bind="${s}" rows="${w.int(2, 6)}" />`,
    )
  for (const f of p.flags) w.line(e + 1, `<Switch label="${w.phrase(1)}" bind="${f}" />`)
  for (const n of p.numbers)
    if (w.chance(0.5))
      w.line(
        e + 1,
        `<Slider label="${w.phrase(1)}" bind="${n}" min="0" max="${w.int(100, 500)}" step="${w.int(1, 5)}" />`,
      )
  w.line(e + 1, `<Text content="${p.numbers.map((n) => `${n}={$state.${n}}`).join(', ')}" variant="caption" />`)
  for (const s of p.lists)
    w.line(
      e + 1,
      `<Text content="${s.name}: {$state.${s.name}.length} rows, first {$state.${s.name}[0]?.${s.label} ?? '-'}" />`,
    )
  if (p.alias || w.chance(0.5))
    w.line(
      e + 1,
      `<LogStream entries="{$state.${w.pick(p.lists).name}.map(r => r.${w.pick(p.lists).label} + '')}" maxLines="${w.int(20, 200)}" />`,
    )
  for (const o of p.objects) w.line(e + 1, `<Code content="{JSON.stringify($state.${o})}" language="json" />`)
  w.line(e, '</Layout>')
  if (tabs) {
    w.line(d + 1, '</Tab>')
    w.line(d + 1, `<Tab label="${w.phrase(1)}">`)
    w.line(
      d + 2,
      `<Select label="${w.phrase(1)}" bind="${w.pick(p.strings)}" options="${WORDS.slice(w.int(0, 8), w.int(10, 20)).join(',')}" />`,
    )
    w.line(d + 1, '</Tab>')
    w.line(d, '</Tabs>')
  }
}

/** Triggers every tool: buttons with args, a form for tools with string args, a Kanban move. */
function writeTriggers(w: PanelWriter, p: PanelPlan, d: number): void {
  w.line(d, `<Layout strategy="row" gap="sm">`)
  for (const t of p.tools) {
    const required = t.args
    if (required.length && w.chance(0.3)) {
      w.line(d + 1, `<Form trigger="${t.name}" submitLabel="${w.phrase(1)}">`)
      for (const a of t.args)
        w.line(
          d + 2,
          a.type === 'number'
            ? `<Slider label="${w.phrase(1)}" name="${a.name}" min="0" max="${w.int(10, 90)}" />`
            : `<Input label="${w.phrase(1)}" name="${a.name}" required="true" />`,
        )
      w.line(d + 1, '</Form>')
      continue
    }
    const values = t.args.map((a) =>
      a.type === 'number'
        ? `$state.${w.pick(p.numbers)} + ${w.int(1, 9)}`
        : `$state.${w.pick(p.strings)} || '${w.pick(WORDS)}'`,
    )
    const args = values.length ? ` args="[${values.join(', ')}]"` : ''
    w.line(
      d + 1,
      `<Button label="${w.phrase(1)}" trigger="${t.name}"${args} variant="${w.pick(['primary', 'secondary', 'ghost', 'danger'])}" />`,
    )
  }
  w.line(d, '</Layout>')
}

/** One valid panel of the corpus; `index` makes its names unique. */
export function distinctPanel(seed: number, index: number): string {
  const w = new PanelWriter(rng(seed * 1_000_003 + index), index)
  const p = planPanel(w)
  w.line(0, `<NexusPanel title="${w.phrase(2)}" version="1.${index % 10}.0">`)
  writeData(w, p)
  writeLogic(w, p)
  writeView(w, p)
  w.line(0, '</NexusPanel>')
  return w.text()
}

/** Panels until `targetBytes` (and at least `minPanels`): the distinct corpus of `npm run bench -- reactor`. */
export function distinctCorpus(targetBytes: number, minPanels = 500, seed = 12): string[] {
  const panels: string[] = []
  let bytes = 0
  for (let i = 0; bytes < targetBytes || panels.length < minPanels; i++) {
    const src = distinctPanel(seed, i)
    panels.push(src)
    bytes += Buffer.byteLength(src)
  }
  return panels
}
