import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react'

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select, textarea, [tabindex]:not([tabindex="-1"])'

/**
 * A modal dialog on the native `<dialog>` (`showModal`: the rest of the page is inert, role dialog, modal):
 * Tab and Shift+Tab wrap inside it, Esc and a click on the backdrop close it, and focus goes back to where it
 * was when it opened. Mounted = open; the owner unmounts it in `onClose`.
 */
export function Dialog({
  label,
  onClose,
  className,
  children,
}: {
  label: string
  onClose: () => void
  className?: string
  children: ReactNode
}) {
  const ref = useRef<HTMLDialogElement>(null)
  const close = useRef(onClose)
  close.current = onClose
  useEffect(() => {
    const dialog = ref.current!
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
    dialog.showModal()
    // Chromium may close a modal dialog on Esc itself (close watchers): follow it. A `close` event is queued,
    // so one from an earlier close (StrictMode's remount) can arrive while the dialog is open again: ignore it.
    const closed = () => {
      if (!dialog.open) close.current()
    }
    dialog.addEventListener('close', closed)
    return () => {
      dialog.removeEventListener('close', closed)
      if (dialog.open) dialog.close()
      if (opener?.isConnected) opener.focus()
    }
  }, [])

  function onKeyDown(event: KeyboardEvent<HTMLDialogElement>) {
    if (event.key === 'Escape') {
      event.preventDefault()
      event.stopPropagation()
      onClose()
      return
    }
    if (event.key !== 'Tab') return
    const items = [...ref.current!.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((e) => e.offsetParent !== null)
    const first = items[0]
    const last = items[items.length - 1]
    if (!first || !last) return event.preventDefault()
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault()
      last.focus()
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault()
      first.focus()
    }
  }

  return (
    <dialog
      ref={ref}
      aria-label={label}
      aria-modal="true"
      className={`shell-dialog ${className ?? ''}`}
      onKeyDown={onKeyDown}
      onCancel={(e) => {
        e.preventDefault()
        onClose()
      }}
      onMouseDown={(e) => {
        if (e.target === ref.current) onClose() // the backdrop: a click outside the dialog's box
      }}
    >
      {children}
    </dialog>
  )
}
