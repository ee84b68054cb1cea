import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TrilogStore } from '../src/index.ts'
import { SUITE_OPTIONS, trilogSuite } from './suite/index.ts'

// One chDB directory per test file: libchdb binds one per process.
trilogSuite('embedded chDB', () =>
  TrilogStore.open({ ...SUITE_OPTIONS, dataDir: mkdtempSync(join(tmpdir(), 'nexus-trilog-')) }),
)
