import { createContext, memo, useCallback, useContext, useRef, type KeyboardEvent } from 'react'
import { createPortal } from 'react-dom'
import type { Json, JsonObject } from '@nexus/protocol'
import { PanelView } from '@nexus/reactor'
import { bindOp, type BindQueue } from '../sync/BindQueue.ts'
import type { LivePanel } from '../sync/panelSync.ts'
import { usePanelSync } from '../sync/usePanelSync.ts'
import { openPanel } from './canvasActions.ts'
import { select, setMode, toggleSelected, useCanvas, type CardMode } from './canvasStore.ts'
import { beginCardGesture, cardElements } from './cardGestures.ts'
import { CELL } from './grid.ts'
import { useCardTrigger } from './useCardTrigger.ts'

/** Where a fullscreen card is drawn (over the canvas view, outside the transformed layer), and whether cards may be edited. */
export const CardHostContext = createContext<{ fullscreenHost: HTMLElement | null; canEdit: boolean }>({
  fullscreenHost: null,
  canEdit: false,
})

/**
 * One panel on the canvas: its title bar (title, version, error badge, modes), the live panel (two-way
 * bound, like the panel page) and its errors. Memoised by id: it re-renders when its own card, selection
 * or mode changes, or its panel's version moves; the live view itself only when a snapshot replaces it.
 */
export const CanvasCard = memo(function CanvasCard({ id }: { id: string }) {
  const info = useCanvas((s) => s.cards[id])
  const place = useCanvas((s) => s.shown[id])
  const selected = useCanvas((s) => s.selected.has(id))
  const mode = useCanvas((s) => s.modes[id] ?? 'normal')
  const { fullscreenHost, canEdit } = useContext(CardHostContext)
  const { live, version, error, notice, setNotice, binds } = usePanelSync(id)
  const view = useRef<HTMLDivElement>(null)
  const { trigger, errors: runErrors, clearErrors } = useCardTrigger(id, view)
  const register = useCallback(
    (el: HTMLElement | null) => {
      if (el && mode !== 'fullscreen') cardElements.set(id, el)
      else if (!el) cardElements.delete(id)
    },
    [id, mode],
  )
  if (!info || !place) return null
  const title = live?.ast.title ?? info.title
  const errors = [...(error ? [error] : []), ...(notice ? [notice] : []), ...runErrors]
  const fullscreen = mode === 'fullscreen' && fullscreenHost !== null

  function onKeyDown(e: KeyboardEvent<HTMLElement>) {
    if (e.target !== e.currentTarget || e.ctrlKey || e.metaKey || e.altKey) return
    const key = e.key.toLowerCase()
    if (key === 'enter') openPanel(id)
    else if (key === 'f') setMode(id, mode === 'fullscreen' ? 'normal' : 'fullscreen')
    else if (key === 'm') setMode(id, mode === 'minimised' ? 'normal' : 'minimised')
    else return
    e.preventDefault()
    e.stopPropagation()
  }

  const card = (
    <section
      ref={register}
      className={`canvas-card canvas-card--${mode}${selected ? ' canvas-card--selected' : ''}`}
      aria-label={title}
      aria-roledescription="panel card"
      tabIndex={0}
      data-card-id={id}
      style={
        fullscreen
          ? undefined
          : {
              transform: `translate(${place.x * CELL}px, ${place.y * CELL}px)`,
              width: place.w * CELL,
              ...(mode === 'minimised' ? {} : { height: place.h * CELL }),
            }
      }
      onPointerDown={(e) => {
        if (e.button !== 0) return
        if (e.shiftKey) toggleSelected(id)
        else if (!useCanvas.getState().selected.has(id)) select([id])
      }}
      onFocus={(e) => {
        if (e.target === e.currentTarget && !useCanvas.getState().selected.has(id)) select([id])
      }}
      onKeyDown={onKeyDown}
    >
      <header
        className="canvas-card__bar"
        onPointerDown={(e) => {
          if (canEdit && !fullscreen && !(e.target as HTMLElement).closest('button')) beginCardGesture(e, id, 'move')
        }}
        onDoubleClick={(e) => {
          if (!(e.target as HTMLElement).closest('button')) setMode(id, mode === 'fullscreen' ? 'normal' : 'fullscreen')
        }}
      >
        <span className="canvas-card__title">{title}</span>
        <span className="canvas-card__version" data-testid="card-version">
          v{version ?? info.version}
        </span>
        {errors.length > 0 && (
          <span
            className="canvas-card__badge"
            role="img"
            aria-label={`${errors.length} ${errors.length === 1 ? 'error' : 'errors'}`}
            title={errors.join('\n')}
          >
            {errors.length}
          </span>
        )}
        <ModeButtons id={id} title={title} mode={mode} />
      </header>
      {mode !== 'minimised' && (
        <div className="canvas-card__body" ref={view}>
          {live && binds ? (
            <LiveBody live={live} binds={binds} onTrigger={trigger} />
          ) : (
            !error && <div className="canvas-card__skeleton" role="status" aria-label={`Loading ${title}`} />
          )}
        </div>
      )}
      {errors.length > 0 && mode !== 'minimised' && (
        <div className="canvas-card__errors" role="alert">
          <ul>
            {errors.map((message, i) => (
              <li key={i}>{message}</li>
            ))}
          </ul>
          <button
            type="button"
            className="link"
            onClick={() => {
              setNotice(undefined)
              clearErrors()
            }}
          >
            Dismiss
          </button>
        </div>
      )}
      {mode === 'normal' && canEdit && (
        <div
          className="canvas-card__resize"
          aria-hidden="true"
          onPointerDown={(e) => beginCardGesture(e, id, 'resize')}
        />
      )}
    </section>
  )
  if (!fullscreen || !fullscreenHost) return card
  return (
    <>
      {createPortal(card, fullscreenHost)}
      <div
        className="canvas-card canvas-card--placeholder"
        aria-hidden="true"
        style={{
          transform: `translate(${place.x * CELL}px, ${place.y * CELL}px)`,
          width: place.w * CELL,
          height: place.h * CELL,
        }}
      />
    </>
  )
})

function ModeButtons({ id, title, mode }: { id: string; title: string; mode: CardMode }) {
  return (
    <span className="canvas-card__modes">
      <button
        type="button"
        aria-label={mode === 'minimised' ? `Restore ${title}` : `Minimise ${title}`}
        title={mode === 'minimised' ? 'Restore (M)' : 'Minimise (M)'}
        onClick={() => setMode(id, mode === 'minimised' ? 'normal' : 'minimised')}
      >
        {mode === 'minimised' ? '▢' : '–'}
      </button>
      <button
        type="button"
        aria-label={mode === 'fullscreen' ? `Exit fullscreen ${title}` : `Fullscreen ${title}`}
        title={mode === 'fullscreen' ? 'Exit fullscreen (Esc)' : 'Fullscreen (F)'}
        onClick={() => setMode(id, mode === 'fullscreen' ? 'normal' : 'fullscreen')}
      >
        {mode === 'fullscreen' ? '⤡' : '⤢'}
      </button>
      <button
        type="button"
        aria-label={`Open ${title}`}
        title="Open with its history (Enter)"
        onClick={() => openPanel(id)}
      >
        ↗
      </button>
    </span>
  )
}

/** The live panel; memoised so a version change re-renders the title bar, not the whole view. */
const LiveBody = memo(function LiveBody({
  live,
  binds,
  onTrigger,
}: {
  live: LivePanel
  binds: BindQueue
  onTrigger: (tool: string, args: Json[] | JsonObject) => void
}) {
  const onBind = useCallback(
    (path: string, value: Json) => {
      // At once in this card (the input is controlled), then to the kernel once typing pauses.
      live.store.applyPatch([bindOp(path, value)])
      binds.write(path, value)
    },
    [live, binds],
  )
  return <PanelView ast={live.ast} store={live.store} onTrigger={onTrigger} onBind={onBind} />
})
