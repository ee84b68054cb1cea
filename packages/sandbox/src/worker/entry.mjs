// Worker bootstrap when the sandbox runs from source (tests, benches, vite): register tsx (a devDependency),
// then load the TypeScript worker. The kernel's production build never starts this file: scripts/build-kernel.mjs
// bundles workerMain.ts to dist/sandboxWorker.js and points the pool's worker URL there.
import { register } from 'tsx/esm/api'

register()
await import('./workerMain.ts')
