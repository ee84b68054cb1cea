// Bundled by esbuild into the editor's page for the keystroke row's peer: the reactor's compileNxml alone.
import { compileNxml } from '@nexus/reactor'

;(globalThis as { nexusCompileNxml?: typeof compileNxml }).nexusCompileNxml = compileNxml
