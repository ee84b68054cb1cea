import { lazy } from 'react'

/** The home: the canvas, in the first chunk. */
export { CanvasPage as CanvasView } from '../canvas/CanvasPage.tsx'
/** The NOG graph, a chunk of its own loaded when first shown. */
export const GraphView = lazy(() => import('../graph/GraphPage.tsx'))
