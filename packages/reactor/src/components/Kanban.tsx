import type { Json, ViewNode } from '@nexus/protocol'
import { type DragEvent, type KeyboardEvent, useId, useState } from 'react'
import { toJson } from '../expr/toJson.ts'
import type { Value } from '../expr/values.ts'
import { asList, displayText, field, nxAttributes } from './display.ts'
import { usePanel } from './PanelContext.ts'
import { useBindings } from './useBindings.ts'

/** Cards grouped by column, in column order; cards whose column is unknown go to the first. */
export function groupCards(items: readonly Value[], columns: readonly string[], groupBy: string): Value[][] {
  const groups = columns.map(() => [] as Value[])
  for (const item of items) {
    const at = columns.indexOf(displayText(field(item, groupBy)))
    groups[at === -1 ? 0 : at]?.push(item)
  }
  return groups
}

/**
 * A board: drag a card onto another column (or focus it and press ← / →) to call `onMove` with
 * `[id, column]`. The state changes through the tool, like every other write.
 */
export function Kanban({ node }: { node: ViewNode }) {
  const { trigger } = usePanel()
  const attrs = useBindings(node)
  const columns = asList(attrs.get('columns')).map(displayText)
  const groupBy = displayText(attrs.get('groupBy')) || 'status'
  const titleKey = displayText(attrs.get('titleKey')) || 'title'
  const idKey = displayText(attrs.get('idKey')) || 'id'
  const groups = groupCards(asList(attrs.get('items')), columns, groupBy)
  const [over, setOver] = useState<number>()
  const hint = useId()
  const move = (id: Json, to: number) => {
    const tool = node.attrs['onMove']
    const column = columns[to]
    if (tool && column !== undefined) trigger(tool, [id, column])
  }
  const onDrop = (e: DragEvent, to: number) => {
    e.preventDefault()
    setOver(undefined)
    const raw = e.dataTransfer.getData('application/x-nexus-card')
    if (raw) move(JSON.parse(raw) as Json, to)
  }
  const onKey = (e: KeyboardEvent, id: Json, from: number) => {
    const to = e.key === 'ArrowRight' ? from + 1 : e.key === 'ArrowLeft' ? from - 1 : -1
    if (to < 0 || to >= columns.length) return
    e.preventDefault()
    move(id, to)
  }
  return (
    <div className="nx-kanban" {...nxAttributes('Kanban', displayText(attrs.get('id')), attrs.error)}>
      <span id={hint} className="nx-visually-hidden">
        Press left or right arrow to move the card to another column.
      </span>
      {columns.map((column, c) => (
        <section
          key={column}
          className={`nx-kanban__column${over === c ? ' nx-kanban__column--over' : ''}`}
          aria-label={column}
          data-column={column}
          onDragOver={(e) => {
            e.preventDefault()
            setOver(c)
          }}
          onDragLeave={() => setOver(undefined)}
          onDrop={(e) => onDrop(e, c)}
        >
          <h4 className="nx-kanban__title">
            {column} <span className="nx-kanban__count">{groups[c]!.length}</span>
          </h4>
          <ul className="nx-kanban__cards">
            {groups[c]!.map((card, i) => {
              const id = (toJson(field(card, idKey)) ?? i) as Json
              return (
                <li
                  key={JSON.stringify(id)}
                  className="nx-kanban__card"
                  draggable
                  tabIndex={0}
                  aria-describedby={hint}
                  onDragStart={(e) => {
                    e.dataTransfer.setData('application/x-nexus-card', JSON.stringify(id))
                    e.dataTransfer.effectAllowed = 'move'
                  }}
                  onKeyDown={(e) => onKey(e, id, c)}
                >
                  {displayText(field(card, titleKey))}
                </li>
              )
            })}
          </ul>
        </section>
      ))}
    </div>
  )
}
