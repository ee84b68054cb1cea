import { resetZoom, zoomIn, zoomOut, zoomToFit } from './canvasActions.ts'
import { useCanvas } from './canvasStore.ts'
import { MAX_ZOOM, MIN_ZOOM } from './viewport.ts'

/** −, the zoom level (click: 100%), +, and zoom to fit; bottom-left of the canvas. */
export function ZoomControls() {
  const zoom = useCanvas((s) => s.viewport.zoom)
  return (
    <div className="canvas__zoom" role="toolbar" aria-label="Zoom">
      <button type="button" aria-label="Zoom out" title="Zoom out (−)" disabled={zoom <= MIN_ZOOM} onClick={zoomOut}>
        −
      </button>
      <button
        type="button"
        aria-label="Reset zoom"
        title="Zoom to 100% (0)"
        className="canvas__zoom-level"
        onClick={resetZoom}
      >
        {Math.round(zoom * 100)}%
      </button>
      <button type="button" aria-label="Zoom in" title="Zoom in (+)" disabled={zoom >= MAX_ZOOM} onClick={zoomIn}>
        +
      </button>
      <button type="button" title="Zoom to fit (Shift+1)" onClick={() => zoomToFit()}>
        Zoom to fit
      </button>
    </div>
  )
}
