import { startTestKernel } from './helpers.ts'
import { concurrencySuite } from './suites/concurrencySuite.ts'

concurrencySuite(() => startTestKernel())
