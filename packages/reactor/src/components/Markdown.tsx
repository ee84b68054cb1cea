import type { ViewNode } from '@nexus/protocol'
import { Lexer, type Token, type Tokens } from 'marked'
import { type ReactNode, useMemo } from 'react'
import { displayText, nxAttributes } from './display.ts'
import { safeUrl } from './Display.tsx'
import { useBindings } from './useBindings.ts'

/**
 * Markdown rendered from marked's tokens straight to React elements: the same output on the server and in
 * the browser, and no HTML string is ever injected (raw HTML in the source shows as text; links and
 * images keep only safe URLs). This is the "safe subset" route, so no DOM sanitiser is needed anywhere.
 */
export function Markdown({ node }: { node: ViewNode }) {
  const attrs = useBindings(node)
  const source = displayText(attrs.get('content'))
  const tokens = useMemo(() => new Lexer({ gfm: true }).lex(source), [source])
  return (
    <div className="nx-markdown" {...nxAttributes('Markdown', displayText(attrs.get('id')), attrs.error)}>
      {blocks(tokens)}
    </div>
  )
}

function blocks(tokens: readonly Token[]): ReactNode[] {
  return tokens.map((t, i) => block(t, i))
}

function block(token: Token, key: number): ReactNode {
  switch (token.type) {
    case 'heading': {
      const t = token as Tokens.Heading
      const Tag = `h${Math.min(6, Math.max(1, t.depth))}` as 'h1'
      return <Tag key={key}>{inline(t.tokens)}</Tag>
    }
    case 'paragraph':
      return <p key={key}>{inline((token as Tokens.Paragraph).tokens)}</p>
    case 'list': {
      const t = token as Tokens.List
      const items = t.items.map((item, i) => (
        <li key={i}>
          {item.task ? (
            <input type="checkbox" checked={item.checked === true} readOnly disabled aria-label="task" />
          ) : null}
          {item.loose ? blocks(item.tokens) : inline(flattenText(item.tokens))}
        </li>
      ))
      return t.ordered ? (
        <ol key={key} start={typeof t.start === 'number' ? t.start : undefined}>
          {items}
        </ol>
      ) : (
        <ul key={key}>{items}</ul>
      )
    }
    case 'code':
      return (
        <pre key={key}>
          <code>{(token as Tokens.Code).text}</code>
        </pre>
      )
    case 'blockquote':
      return <blockquote key={key}>{blocks((token as Tokens.Blockquote).tokens)}</blockquote>
    case 'hr':
      return <hr key={key} />
    case 'space':
      return null
    case 'table': {
      const t = token as Tokens.Table
      return (
        <table key={key}>
          <thead>
            <tr>
              {t.header.map((c, i) => (
                <th key={i}>{inline(c.tokens)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {t.rows.map((row, r) => (
              <tr key={r}>
                {row.map((c, i) => (
                  <td key={i}>{inline(c.tokens)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )
    }
    case 'html':
      return <p key={key}>{(token as Tokens.HTML).text}</p>
    case 'text': {
      const t = token as Tokens.Text
      return <p key={key}>{t.tokens ? inline(t.tokens) : t.text}</p>
    }
    default:
      return 'raw' in token ? <p key={key}>{String(token.raw)}</p> : null
  }
}

/** A tight list item's tokens are `text` blocks wrapping inline tokens: unwrap them. */
function flattenText(tokens: readonly Token[]): Token[] {
  return tokens.flatMap((t) => (t.type === 'text' && (t as Tokens.Text).tokens ? (t as Tokens.Text).tokens! : [t]))
}

function inline(tokens: readonly Token[] | undefined): ReactNode[] {
  return (tokens ?? []).map((t, i) => inlineToken(t, i))
}

function inlineToken(token: Token, key: number): ReactNode {
  switch (token.type) {
    case 'strong':
      return <strong key={key}>{inline((token as Tokens.Strong).tokens)}</strong>
    case 'em':
      return <em key={key}>{inline((token as Tokens.Em).tokens)}</em>
    case 'del':
      return <del key={key}>{inline((token as Tokens.Del).tokens)}</del>
    case 'codespan':
      return <code key={key}>{(token as Tokens.Codespan).text}</code>
    case 'br':
      return <br key={key} />
    case 'link': {
      const t = token as Tokens.Link
      const href = safeUrl(t.href)
      return href ? (
        <a key={key} href={href} rel="noopener noreferrer nofollow">
          {inline(t.tokens)}
        </a>
      ) : (
        <span key={key}>{inline(t.tokens)}</span>
      )
    }
    case 'image': {
      const t = token as Tokens.Image
      const src = safeUrl(t.href, true)
      return src ? <img key={key} src={src} alt={t.text} /> : <span key={key}>{t.text}</span>
    }
    case 'text': {
      const t = token as Tokens.Text
      return t.tokens ? <span key={key}>{inline(t.tokens)}</span> : decode(t.text)
    }
    case 'escape':
      return (token as Tokens.Escape).text
    case 'html':
      return (token as Tokens.HTML).text
    default:
      return 'raw' in token ? String(token.raw) : null
  }
}

/** marked escapes text tokens' entities (`&amp;`, `&lt;`…); React escapes again, so undo marked's. */
function decode(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) =>
    e === 'amp' ? '&' : e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : "'",
  )
}
