import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase } from '../src/db/openDatabase.ts'
import { nogSuite } from './suites/nogSuite.ts'

nogSuite(() => openDatabase({ dataDir: mkdtempSync(join(tmpdir(), 'nexus-nog-')) }))
