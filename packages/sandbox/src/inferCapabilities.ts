/**
 * The capabilities a handler without `<Capabilities>` is granted. The one analysis lives in
 * `@nexus/protocol` (`analyzeHandlerCode`), so the reactor's MISSING_CAPABILITY warnings and these grants
 * cannot disagree.
 */
export { inferCapabilities } from '@nexus/protocol'
