import { useEffect, useRef, useImperativeHandle, type Ref } from 'react'
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete'
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands'
import { xml, xmlLanguage } from '@codemirror/lang-xml'
import { bracketMatching, foldGutter, foldKeymap, indentOnInput } from '@codemirror/language'
import { linter, lintGutter, lintKeymap } from '@codemirror/lint'
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search'
import { EditorState } from '@codemirror/state'
import {
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from '@codemirror/view'
import type { Diagnostic } from '@nexus/protocol'
import { compileNxml } from '@nexus/reactor'
import { formatNxml, type FormatResult } from './formatNxml.ts'
import { expressionCompletion } from './nxmlCompletion.ts'
import { toEditorDiagnostic } from './nxmlLint.ts'
import { nxmlElements } from './nxmlSchema.ts'
import { nxmlHighlighting, nxmlTheme } from './nxmlTheme.ts'

/** What the page can ask of a mounted editor. */
export interface NxmlEditorHandle {
  /** Formats the document in place (when it parses) and returns the text to save. */
  format(): FormatResult
}

export interface NxmlEditorProps {
  initialValue: string
  onChange?: (text: string) => void
  /** The reactor's diagnostics for the current text, after each (debounced) lint pass. */
  onDiagnostics?: (diagnostics: Diagnostic[]) => void
  /** Ctrl/⌘+S: the page formats (through the handle) and saves. */
  onSave?: () => void
  handle?: Ref<NxmlEditorHandle>
}

/**
 * Pause after a change before the reactor compiles the text again: none: a 20 KB panel compiles in ~3 ms
 * (p95 ~15 ms, `npm run bench -- studio`), so diagnostics follow each keystroke within its frame.
 */
const LINT_DELAY_MS = 0

/** CodeMirror 6 with an NXML mode: highlighting, folding, tag matching, live diagnostics and completion. */
export default function NxmlEditor({ initialValue, onChange, onDiagnostics, onSave, handle }: NxmlEditorProps) {
  const host = useRef<HTMLDivElement>(null)
  const view = useRef<EditorView>(null)
  // The latest callbacks, read by extensions created once.
  const callbacks = useRef({ onChange, onDiagnostics, onSave })
  callbacks.current = { onChange, onDiagnostics, onSave }

  useImperativeHandle(handle, () => ({
    format() {
      const editor = view.current
      if (!editor) return { ok: false, text: '', reason: 'The editor is not ready' }
      const result = formatNxml(editor.state.doc.toString())
      if (result.ok && result.changed)
        editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: result.text } })
      return result
    },
  }))

  useEffect(() => {
    const lint = linter(
      (v) => {
        const { diagnostics } = compileNxml(v.state.doc.toString())
        callbacks.current.onDiagnostics?.(diagnostics)
        return diagnostics.map((d) => toEditorDiagnostic(d, v.state.doc))
      },
      { delay: LINT_DELAY_MS },
    )
    // In a shadow root, CodeMirror's styles go to an adopted (constructed) stylesheet: the kernel's CSP
    // (`style-src 'self'` plus one hash) blocks the <style> tag it would add to the document.
    const shadow = host.current!.shadowRoot ?? host.current!.attachShadow({ mode: 'open' })
    const editor = new EditorView({
      parent: shadow,
      root: shadow,
      state: EditorState.create({
        doc: initialValue,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          foldGutter(),
          lintGutter(),
          history(),
          drawSelection(),
          indentOnInput(),
          bracketMatching(),
          closeBrackets(),
          highlightActiveLine(),
          highlightSelectionMatches(),
          xml({ elements: nxmlElements() }),
          xmlLanguage.data.of({ autocomplete: expressionCompletion() }),
          autocompletion(),
          lint,
          nxmlHighlighting,
          nxmlTheme,
          EditorView.contentAttributes.of({ 'aria-label': 'NXML editor' }),
          keymap.of([
            {
              key: 'Mod-s',
              preventDefault: true,
              run: () => {
                callbacks.current.onSave?.()
                return true
              },
            },
            ...closeBracketsKeymap,
            ...defaultKeymap,
            ...searchKeymap,
            ...historyKeymap,
            ...foldKeymap,
            ...completionKeymap,
            ...lintKeymap,
            indentWithTab,
          ]),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) callbacks.current.onChange?.(u.state.doc.toString())
          }),
        ],
      }),
    })
    view.current = editor
    return () => {
      editor.destroy()
      view.current = null
    }
    // The initial text seeds the editor once; later text lives in the editor, not in React.
  }, [])

  return <div ref={host} className="nxml-editor" />
}
