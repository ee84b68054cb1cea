import { startTestKernel } from './helpers.ts'
import { panelEditSuite } from './suites/panelEditSuite.ts'

panelEditSuite(() => startTestKernel())
