import type { Json, JsonObject, ViewNode } from '@nexus/protocol'
import { memo, useMemo } from 'react'
import { parseExpressionAttribute } from '../expr/binding.ts'
import { evaluateExpression } from '../expr/evaluate.ts'
import { truthy } from '../expr/methods.ts'
import type { Value } from '../expr/values.ts'
import { setOwn, toJson } from '../expr/toJson.ts'
import { displayText } from './display.ts'
import { ScopeContext } from './PanelContext.ts'
import { useBindings } from './useBindings.ts'
import { ViewChildren } from './ViewChildren.tsx'

/** Renders its children while `condition` is truthy, else the children of the `<Else>` right after it. */
export const If = memo(function If({ node, elseNode }: { node: ViewNode; elseNode?: ViewNode | undefined }) {
  const attrs = useBindings(node)
  const show = truthy(attrs.get('condition'))
  if (show) return <ViewChildren nodes={node.children} />
  return elseNode ? <ViewChildren nodes={elseNode.children} /> : null
})

/** Repeats its children once per item of `items`, with `$scope.<as>` and `$scope.<index>` set. */
export function Iterate({ node }: { node: ViewNode }) {
  const attrs = useBindings(node)
  const items = attrs.get('items')
  const list = Array.isArray(items) ? items : []
  const as = displayText(attrs.get('as')) || 'item'
  const index = displayText(attrs.get('index')) || 'index'
  const keyExpr = useMemo(() => {
    const raw = node.attrs['key']
    if (raw === undefined) return undefined
    const parsed = parseExpressionAttribute(raw)
    return parsed.ok ? parsed.value.expr : undefined
  }, [node])
  const parent = attrs.scope
  return (
    <div className="nx-iterate" role="list" data-nx="Iterate">
      {list.map((item, i) => {
        let key: string | number = i
        if (keyExpr) {
          const r = evaluateExpression(keyExpr, { $scope: itemScope(parent, as, item, index, i) })
          if (r.ok && (typeof r.value === 'string' || typeof r.value === 'number')) key = r.value
        }
        return <IterateItem key={key} node={node} item={item} at={i} as={as} index={index} parent={parent} />
      })}
    </div>
  )
}

/**
 * One item, memoised on the item's identity: the store patches copy-on-write, so a patch to one item of a
 * big list re-renders that item's components only (the others keep their `$scope` object).
 */
const IterateItem = memo(function IterateItem(props: {
  node: ViewNode
  item: Value
  at: number
  as: string
  index: string
  parent: JsonObject | undefined
}) {
  const { item, at, as, index, parent } = props
  const scope = useMemo(() => itemScope(parent, as, item, index, at), [item, at, as, index, parent])
  return (
    <div className="nx-iterate__item" role="listitem">
      <ScopeContext.Provider value={scope}>
        <ViewChildren nodes={props.node.children} />
      </ScopeContext.Provider>
    </div>
  )
})

/** `$scope` for one item: the enclosing scope plus the item and its index under their names. */
function itemScope(parent: JsonObject | undefined, as: string, item: Value, index: string, at: number): JsonObject {
  const scope: JsonObject = { ...parent }
  setOwn(scope, as, (toJson(item) ?? null) as Json)
  setOwn(scope, index, at)
  return scope
}
