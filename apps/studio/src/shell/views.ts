/// <reference types="vite/client" />
import { lazy, type ComponentType } from 'react'

// Views other features build on their own branches: the shell shows each once its file exists (a glob with no
// match is empty), so merging the feature is all it takes. The canvas is the home, in the first chunk; the
// graph is a chunk of its own, loaded when first shown.
const canvas = import.meta.glob<{ CanvasPage: ComponentType }>('../canvas/CanvasPage.tsx', { eager: true })
const graph = import.meta.glob<{ default: ComponentType }>('../graph/GraphPage.tsx')

/** The canvas (`canvas/CanvasPage.tsx`), or undefined before it exists (the home is `WorkspacePage` then). */
export const CanvasView: ComponentType | undefined = canvas['../canvas/CanvasPage.tsx']?.CanvasPage

const loadGraph = graph['../graph/GraphPage.tsx']
/** The NOG graph (`graph/GraphPage.tsx`, default export), lazily; undefined before it exists. */
export const GraphView: ComponentType | undefined = loadGraph ? lazy(loadGraph) : undefined
