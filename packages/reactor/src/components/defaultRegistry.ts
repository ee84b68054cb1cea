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
import type { ComponentRegistry } from './registry.ts'
import { Select } from './Select.tsx'
import { DatePicker, Slider, Switch } from './Switch.tsx'
import { Table } from './Table.tsx'
import { Text } from './Text.tsx'
import { UnknownComponent } from './UnknownComponent.tsx'

/**
 * Every NXML component by name: the registry `<PanelView>` provides. Only `PanelView` imports this module;
 * the components render children through `ViewChildren`, which reads the registry from context.
 */
export const DEFAULT_REGISTRY: ComponentRegistry = {
  components: {
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
  },
  unknown: UnknownComponent,
}
