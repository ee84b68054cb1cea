import type { ViewNode } from '@nexus/protocol'
import { useVirtualizer } from '@tanstack/react-virtual'
import { useId, useMemo, useRef, useState } from 'react'
import type { Value } from '../expr/values.ts'
import { asBoolean, asList, asNumber, displayText, nxAttributes } from './display.ts'
import { cellValue, filterRows, type SortState, sortRows, type TableColumn, tableColumns } from './tableModel.ts'
import { useBindings } from './useBindings.ts'

const ROW_HEIGHT = 36

/**
 * A data table (ARIA grid semantics on divs so rows can be virtualised): click or Enter on a header sorts,
 * an optional filter box narrows rows, and either `pageSize` pages or the body scrolls with only the
 * visible rows in the DOM (100,000 rows stay fast).
 */
export function Table({ node }: { node: ViewNode }) {
  const attrs = useBindings(node)
  const data = attrs.get('data')
  const rows = useMemo(() => asList(data), [data])
  const columnsValue = attrs.get('columns')
  const columns = useMemo(() => tableColumns(columnsValue, rows), [columnsValue, rows])
  const [sort, setSort] = useState<SortState>()
  const [filter, setFilter] = useState('')
  const [page, setPage] = useState(0)
  const shown = useMemo(() => sortRows(filterRows(rows, columns, filter), sort), [rows, columns, filter, sort])
  const pageSize = Math.floor(asNumber(attrs.get('pageSize'), 0))
  const pages = pageSize > 0 ? Math.max(1, Math.ceil(shown.length / pageSize)) : 1
  const current = Math.min(page, pages - 1)
  const filterId = useId()
  const toggleSort = (key: string) => {
    if (!asBoolean(attrs.get('sortable'), true)) return
    setSort((s) =>
      s?.key !== key
        ? { key, direction: 'ascending' }
        : s.direction === 'ascending'
          ? { key, direction: 'descending' }
          : undefined,
    )
  }
  const template = `repeat(${columns.length}, minmax(80px, 1fr))`
  return (
    <div className="nx-table" {...nxAttributes('Table', displayText(attrs.get('id')), attrs.error)}>
      {asBoolean(attrs.get('filterable'), false) ? (
        <div className="nx-table__filter">
          <label htmlFor={filterId}>Filter</label>
          <input
            id={filterId}
            className="nx-input"
            type="search"
            value={filter}
            onChange={(e) => {
              setFilter(e.currentTarget.value)
              setPage(0)
            }}
          />
        </div>
      ) : null}
      <div role="grid" aria-rowcount={shown.length + 1} aria-colcount={columns.length} className="nx-table__grid">
        <div
          role="row"
          aria-rowindex={1}
          className="nx-table__row nx-table__head"
          style={{ gridTemplateColumns: template }}
        >
          {columns.map((c) => (
            <div
              key={c.key}
              role="columnheader"
              aria-sort={sort?.key === c.key ? sort.direction : 'none'}
              className="nx-table__header"
              tabIndex={0}
              onClick={() => toggleSort(c.key)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault()
                  toggleSort(c.key)
                }
              }}
            >
              {c.label}
              {sort?.key === c.key ? (sort.direction === 'ascending' ? ' ▲' : ' ▼') : ''}
            </div>
          ))}
        </div>
        {pageSize > 0 ? (
          <div className="nx-table__body">
            {shown.slice(current * pageSize, (current + 1) * pageSize).map((row, i) => (
              <Row
                key={current * pageSize + i}
                row={row}
                index={current * pageSize + i}
                columns={columns}
                template={template}
              />
            ))}
          </div>
        ) : (
          <VirtualBody rows={shown} columns={columns} template={template} height={asNumber(attrs.get('height'), 320)} />
        )}
      </div>
      {pageSize > 0 ? (
        <nav className="nx-table__pager" aria-label="Pages">
          <button type="button" className="nx-action" disabled={current === 0} onClick={() => setPage(current - 1)}>
            Previous
          </button>
          <span aria-live="polite">
            Page {current + 1} of {pages}
          </span>
          <button
            type="button"
            className="nx-action"
            disabled={current >= pages - 1}
            onClick={() => setPage(current + 1)}
          >
            Next
          </button>
        </nav>
      ) : null}
    </div>
  )
}

function Row(props: {
  row: Value
  index: number
  columns: TableColumn[]
  template: string
  style?: React.CSSProperties
}) {
  return (
    <div
      role="row"
      aria-rowindex={props.index + 2}
      className="nx-table__row"
      style={{ gridTemplateColumns: props.template, ...props.style }}
    >
      {props.columns.map((c) => (
        <div key={c.key} role="gridcell" className="nx-table__cell">
          {displayText(cellValue(props.row, c.key))}
        </div>
      ))}
    </div>
  )
}

/** Only the rows in view (plus overscan) are rendered; the first render is the same on server and browser. */
function VirtualBody(props: { rows: Value[]; columns: TableColumn[]; template: string; height: number }) {
  const scroller = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count: props.rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    initialRect: { width: 0, height: props.height },
  })
  return (
    <div ref={scroller} className="nx-table__body nx-table__scroll" style={{ height: props.height }} tabIndex={0}>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((v) => (
          <Row
            key={v.index}
            row={props.rows[v.index]}
            index={v.index}
            columns={props.columns}
            template={props.template}
            style={{
              position: 'absolute',
              top: 0,
              left: 0,
              right: 0,
              height: ROW_HEIGHT,
              transform: `translateY(${v.start}px)`,
            }}
          />
        ))}
      </div>
    </div>
  )
}
