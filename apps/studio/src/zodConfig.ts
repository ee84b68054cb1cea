import { z } from 'zod'

// zod compiles validators with `new Function` unless told not to; the kernel's Content-Security-Policy
// (script-src 'self') refuses that, and even the probe reports a violation. Imported first by main.tsx, so
// it runs before any module that builds or uses a schema.
z.config({ jitless: true })
