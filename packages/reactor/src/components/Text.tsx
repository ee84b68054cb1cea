import type { ViewNode } from '@nexus/protocol'
import { TEXT_VARIANTS } from '../nxml/componentSpecs.ts'
import { choice, displayText, nxAttributes } from './display.ts'
import { useBindings } from './useBindings.ts'

/** A paragraph of text; `content` may mix text and `{bindings}`. `title`/`subtitle` render as headings. */
export function Text({ node }: { node: ViewNode }) {
  const attrs = useBindings(node)
  const variant = choice(attrs.get('variant'), TEXT_VARIANTS, 'body')
  const Tag = variant === 'title' ? 'h2' : variant === 'subtitle' ? 'h3' : 'p'
  return (
    <Tag
      className={variant === 'body' ? 'nx-text' : `nx-text nx-text--${variant}`}
      {...nxAttributes('Text', displayText(attrs.get('id')), attrs.error)}
    >
      {displayText(attrs.get('content'))}
    </Tag>
  )
}
