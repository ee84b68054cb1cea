import { startTestKernel } from './helpers.ts'
import { wsSuite } from './suites/wsSuite.ts'

wsSuite(() => startTestKernel())
