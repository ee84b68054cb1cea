import { create } from 'zustand'
import {
  applyTheme,
  rememberThemeChoice,
  resolveTheme,
  storedThemeChoice,
  type Theme,
  type ThemeChoice,
} from './theme.ts'

export type ToastTone = 'info' | 'success' | 'warning' | 'error'

export interface Toast {
  id: number
  message: string
  tone: ToastTone
  /** Where it came from, e.g. a panel's title; shown above the message. */
  source?: string
}

/** Which of the shell's dialogs is open (one at a time). */
export type ShellDialog = 'palette' | 'shortcuts' | 'new-workspace' | undefined

interface UiState {
  themeChoice: ThemeChoice
  theme: Theme
  dialog: ShellDialog
  toasts: Toast[]
  setThemeChoice(choice: ThemeChoice): void
  /** Re-reads the system's scheme (the `system` choice follows it). */
  systemThemeChanged(theme: Theme): void
  openDialog(dialog: ShellDialog): void
  closeDialog(): void
  toast(message: string, tone?: ToastTone, source?: string): number
  dismissToast(id: number): void
}

const MAX_TOASTS = 4
let nextToast = 1

/** The shell's UI state: theme, the open dialog, toasts. The session lives in `useStudio` (`store.ts`). */
export const useUi = create<UiState>((set, get) => ({
  themeChoice: storedThemeChoice(),
  // Resolved here, not read from <html>: this module loads before main.tsx applies the theme.
  theme: resolveTheme(storedThemeChoice()),
  dialog: undefined,
  toasts: [],
  setThemeChoice(themeChoice) {
    rememberThemeChoice(themeChoice)
    set({ themeChoice, theme: applyTheme(themeChoice) })
  },
  systemThemeChanged(theme) {
    set({ theme })
  },
  openDialog(dialog) {
    set({ dialog })
  },
  closeDialog() {
    set({ dialog: undefined })
  },
  toast(message, tone = 'info', source) {
    const id = nextToast++
    set({ toasts: [...get().toasts, { id, message, tone, source }].slice(-MAX_TOASTS) })
    return id
  },
  dismissToast(id) {
    set({ toasts: get().toasts.filter((t) => t.id !== id) })
  },
}))

/** Shows a toast from anywhere (a feature's failed action, a panel's `$emit('toast', …)`). */
export function toast(message: string, tone: ToastTone = 'info', source?: string): number {
  return useUi.getState().toast(message, tone, source)
}
