// Bundled by esbuild into the editor's page for the keystroke row's peer: the reactor's compileNxml alone,
// configured as the studio configures zod (no `new Function` under the kernel's CSP).
import { compileNxml } from '@nexus/reactor'
import { z } from 'zod'

z.config({ jitless: true })
;(globalThis as { nexusCompileNxml?: typeof compileNxml }).nexusCompileNxml = compileNxml
