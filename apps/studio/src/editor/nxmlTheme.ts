import { HighlightStyle, syntaxHighlighting } from '@codemirror/language'
import { EditorView } from '@codemirror/view'
import { tags as t } from '@lezer/highlight'

/** Colours from the page's tokens (`styles.css`), so light and dark follow `data-theme`. */
export const nxmlTheme = EditorView.theme({
  '&': {
    color: 'var(--nx-text)',
    backgroundColor: 'var(--nx-bg)',
    border: '1px solid var(--nx-border)',
    borderRadius: '6px',
    fontSize: '13px',
  },
  '&.cm-focused': { outline: '2px solid var(--nx-accent)', outlineOffset: '1px' },
  '.cm-scroller': { fontFamily: "ui-monospace, 'SFMono-Regular', Menlo, monospace", minHeight: '22em' },
  '.cm-content': { caretColor: 'var(--nx-text)' },
  '.cm-cursor': { borderLeftColor: 'var(--nx-text)' },
  '.cm-gutters': {
    backgroundColor: 'var(--nx-surface)',
    color: 'var(--nx-muted)',
    borderRight: '1px solid var(--nx-border)',
  },
  '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: 'var(--nx-code-active)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground': { backgroundColor: 'var(--nx-code-selection)' },
  '.cm-tooltip': {
    backgroundColor: 'var(--nx-surface)',
    color: 'var(--nx-text)',
    border: '1px solid var(--nx-border)',
  },
  '.cm-diagnostic-error': { borderLeftColor: 'var(--nx-danger)' },
  '.cm-diagnostic-warning': { borderLeftColor: 'var(--nx-warning)' },
  '.cm-matchingBracket': { backgroundColor: 'var(--nx-code-match)', outline: '1px solid var(--nx-accent)' },
})

export const nxmlHighlighting = syntaxHighlighting(
  HighlightStyle.define([
    { tag: [t.tagName, t.angleBracket], color: 'var(--nx-code-tag)' },
    { tag: t.attributeName, color: 'var(--nx-code-attr)' },
    { tag: t.attributeValue, color: 'var(--nx-code-string)' },
    { tag: [t.comment, t.processingInstruction], color: 'var(--nx-muted)', fontStyle: 'italic' },
    { tag: t.invalid, color: 'var(--nx-danger)' },
  ]),
)
