// Regenerates test/baselines/*.json from test/cases/*.nxml. Run: npx tsx packages/reactor/test/accept.ts
import { readdirSync, rmSync, writeFileSync } from 'node:fs'
import { BASELINES_DIR, baselineOf, caseNames, readCase } from './baseline.ts'

const names = caseNames()
for (const file of readdirSync(BASELINES_DIR)) {
  if (!names.includes(file.replace(/\.json$/, ''))) rmSync(`${BASELINES_DIR}${file}`)
}
for (const name of names) writeFileSync(`${BASELINES_DIR}${name}.json`, baselineOf(readCase(name)))
console.log(`accepted ${names.length} baselines`)
