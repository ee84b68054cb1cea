/** Keys of a shortcut, e.g. `['Ctrl', 'K']`, as <kbd>s; "Mod" shows as ⌘ on Apple machines and Ctrl elsewhere. */
export function Keys({ keys }: { keys: readonly string[] }) {
  return (
    <span className="keys">
      {keys.map((k, i) => (
        <kbd key={i}>{k === 'Mod' ? MOD_LABEL : k}</kbd>
      ))}
    </span>
  )
}

export const IS_APPLE = /Mac|iPhone|iPad/.test(navigator.platform)
export const MOD_LABEL = IS_APPLE ? '⌘' : 'Ctrl'
