import { lazy, Suspense } from 'react'
import type { NxmlEditorProps } from './NxmlEditor.tsx'

export type { NxmlEditorHandle } from './NxmlEditor.tsx'

// CodeMirror stays out of the shell's first chunk: the editor loads when a page first shows it.
const NxmlEditor = lazy(() => import('./NxmlEditor.tsx'))

/** The NXML editor, loaded on demand, with a skeleton of the same size while its chunk arrives. */
export function LazyNxmlEditor(props: NxmlEditorProps) {
  return (
    <Suspense
      fallback={
        <div className="nxml-editor nxml-editor--loading" role="status" aria-label="Loading the NXML editor">
          <pre>{props.initialValue}</pre>
        </div>
      }
    >
      <NxmlEditor {...props} />
    </Suspense>
  )
}
