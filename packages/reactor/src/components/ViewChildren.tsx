import type { ViewNode } from '@nexus/protocol'
import { type ComponentType, memo } from 'react'
import { Action, Button } from './Button.tsx'
import { Calendar } from './Calendar.tsx'
import { Chart } from './Chart.tsx'
import { Container, Grid, Tab, Tabs } from './Container.tsx'
import { If, Iterate } from './Control.tsx'
import { Code, Image, LogStream, StatusBadge } from './Display.tsx'
import { Form } from './Form.tsx'
import { Input, TextArea } from './Input.tsx'
import { Kanban } from './Kanban.tsx'
import { Layout } from './Layout.tsx'
import { Markdown } from './Markdown.tsx'
import { Metric } from './Metric.tsx'
import { Select } from './Select.tsx'
import { DatePicker, Slider, Switch } from './Switch.tsx'
import { Table } from './Table.tsx'
import { Text } from './Text.tsx'
import { UnknownComponent } from './UnknownComponent.tsx'

type NodeComponent = ComponentType<{ node: ViewNode; elseNode?: ViewNode | undefined }>

const COMPONENTS: Readonly<Record<string, NodeComponent>> = {
  Layout,
  Container,
  Tabs,
  Tab,
  Grid,
  If,
  Iterate,
  Text,
  Markdown,
  Metric,
  StatusBadge,
  LogStream,
  Chart,
  Table,
  Kanban,
  Calendar,
  Image,
  Code,
  Input,
  TextArea,
  Select,
  Switch,
  Slider,
  DatePicker,
  Button,
  Action,
  Form,
}

/**
 * One view node. Memoised on the node object, so a parent re-rendering for its own bindings does not
 * re-render its children: each component re-renders only for the state keys it reads.
 */
export const ViewNodeView = memo(function ViewNodeView({
  node,
  elseNode,
}: {
  node: ViewNode
  elseNode?: ViewNode | undefined
}) {
  const Component = Object.hasOwn(COMPONENTS, node.type) ? COMPONENTS[node.type]! : UnknownComponent
  return <Component node={node} elseNode={elseNode} />
})

/** A list of nodes; an `<Else>` is rendered by the `<If>` just before it. */
export function ViewChildren({ nodes }: { nodes: readonly ViewNode[] }) {
  return (
    <>
      {nodes.map((node, i) => {
        if (node.type === 'Else')
          return i > 0 && nodes[i - 1]!.type === 'If' ? null : <ViewNodeView key={i} node={node} />
        return <ViewNodeView key={i} node={node} elseNode={node.type === 'If' ? elseAfter(nodes, i) : undefined} />
      })}
    </>
  )
}

/** The `<Else>` right after `nodes[i]`, if any. */
export function elseAfter(nodes: readonly ViewNode[], i: number): ViewNode | undefined {
  const next = nodes[i + 1]
  return next?.type === 'Else' ? next : undefined
}
