// Worker bootstrap: the sandbox ships as TypeScript source, so register tsx before loading the worker.
import { register } from 'tsx/esm/api'

register()
await import('./workerMain.ts')
