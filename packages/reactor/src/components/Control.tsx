import type { Json, JsonObject, ViewNode } from '@nexus/protocol'
import { useMemo } from 'react'
import { parseExpressionAttribute } from '../expr/binding.ts'
import { evaluateExpression } from '../expr/evaluate.ts'
import { truthy } from '../expr/methods.ts'
import { setOwn, toJson } from '../expr/toJson.ts'
import { displayText } from './display.ts'
import { ScopeContext } from './PanelContext.ts'
import { useBindings } from './useBindings.ts'
import { ViewChildren } from './ViewChildren.tsx'

/** Renders its children while `condition` is truthy, else the children of the `<Else>` right after it. */
export function If({ node, elseNode }: { node: ViewNode; elseNode?: ViewNode | undefined }) {
  const attrs = useBindings(node)
  const show = truthy(attrs.get('condition'))
  if (show) return <ViewChildren nodes={node.children} />
  return elseNode ? <ViewChildren nodes={elseNode.children} /> : null
}

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
        const scope: JsonObject = { ...parent }
        setOwn(scope, as, (toJson(item) ?? null) as Json)
        setOwn(scope, index, i)
        let key: string | number = i
        if (keyExpr) {
          const r = evaluateExpression(keyExpr, { $scope: scope })
          if (r.ok && (typeof r.value === 'string' || typeof r.value === 'number')) key = r.value
        }
        return (
          <div className="nx-iterate__item" role="listitem" key={key}>
            <ScopeContext.Provider value={scope}>
              <ViewChildren nodes={node.children} />
            </ScopeContext.Provider>
          </div>
        )
      })}
    </div>
  )
}
