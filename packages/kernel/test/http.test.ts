import { startTestKernel } from './helpers.ts'
import { httpSuite } from './suites/httpSuite.ts'

httpSuite(() => startTestKernel())
