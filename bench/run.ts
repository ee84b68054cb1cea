// `npm run bench [-- name]`: runs bench/<name>.bench.ts (all of them by default), then rebuilds bench/README.md.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { RESULTS_DIR, type BenchResult, type Metric } from './lib.ts'

const dir = fileURLToPath(new URL('.', import.meta.url))
// `--table` only rebuilds bench/README.md from the stored results.
const tableOnly = process.argv.includes('--table')
const wanted = process.argv.slice(2).filter((a) => a !== '--table')
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .filter((name) => !tableOnly && (wanted.length === 0 || wanted.includes(name)))
if (!tableOnly && wanted.length && benches.length === 0) {
  console.error(
    `No benchmark named ${wanted.join(', ')}; have: ${readdirSync(dir)
      .filter((f) => f.endsWith('.bench.ts'))
      .join(', ')}`,
  )
  process.exit(1)
}
for (const name of benches) {
  console.log(`\n# ${name}`)
  await import(`./${name}.bench.ts`)
}

function goalText(m: Metric): string {
  if (m.goal.ratio !== undefined) return `ratio ${m.goal.op} ${m.goal.ratio}`
  return `${m.goal.op} ${m.goal.value} ${m.unit}`
}

const rows = readdirSync(RESULTS_DIR)
  .filter((f) => f.endsWith('.json'))
  .flatMap((f) => {
    const r = JSON.parse(readFileSync(RESULTS_DIR + f, 'utf8')) as BenchResult
    return r.metrics.map(
      (m) =>
        `| ${r.name} | ${m.name} | ${m.value} ${m.unit} | ${m.peer ? `${m.peer.name}: ${m.peer.value} ${m.unit}` : '—'} | ${m.ratio ?? '—'} | ${goalText(m)} | ${(m.date ?? r.date).slice(0, 10)} |`,
    )
  })
// Notes a bench keeps beside its results (`bench/results/<name>.md`), appended after the table.
const notes = readdirSync(RESULTS_DIR)
  .filter((f) => f.endsWith('.md'))
  .map((f) => readFileSync(RESULTS_DIR + f, 'utf8').trim())
writeFileSync(
  `${dir}README.md`,
  `# Benchmarks

\`npm run bench\` runs every \`bench/*.bench.ts\`; \`npm run bench -- <name>\` runs one. Each writes
\`bench/results/<name>.json\` (format: ../shared/BENCH.md) and this table is regenerated from those files.
Ratios are ours ÷ the peer's, measured in the same run on the same input (medians).

| bench | metric | ours | peer | ratio | goal | date |
| --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}
${notes.map((n) => `\n${n}\n`).join('')}`,
)
