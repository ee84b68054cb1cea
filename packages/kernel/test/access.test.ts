import { startTestKernel } from './helpers.ts'
import { accessSuite } from './suites/accessSuite.ts'

accessSuite(() => startTestKernel())
