/**
 * The components' stylesheet. Everything visual comes from `--nx-*` custom properties, so a host page can
 * restyle panels by overriding them; `[data-theme="dark"]` switches the palette.
 */
export const THEME_CSS = `
.nx-panel {
  --nx-bg: #ffffff; --nx-fg: #1c1f24; --nx-muted: #5b6270; --nx-border: #d9dde3;
  --nx-accent: #3b5bdb; --nx-accent-fg: #ffffff; --nx-danger: #c92a2a; --nx-surface: #f5f6f8;
  --nx-radius: 8px; --nx-font: system-ui, sans-serif;
  --nx-gap-sm: 4px; --nx-gap-md: 12px; --nx-gap-lg: 24px;
  background: var(--nx-bg); color: var(--nx-fg); font-family: var(--nx-font);
}
[data-theme="dark"] .nx-panel, .nx-panel[data-theme="dark"] {
  --nx-bg: #16181d; --nx-fg: #e8eaef; --nx-muted: #9aa1ad; --nx-border: #2c3038;
  --nx-accent: #748ffc; --nx-accent-fg: #0b0d12; --nx-danger: #ff8787; --nx-surface: #1f2229;
}
.nx-layout { display: flex; flex-direction: column; }
.nx-layout--row { flex-direction: row; align-items: center; }
.nx-layout--auto { flex-direction: row; flex-wrap: wrap; }
.nx-layout--grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); }
.nx-gap--sm { gap: var(--nx-gap-sm); } .nx-gap--md { gap: var(--nx-gap-md); } .nx-gap--lg { gap: var(--nx-gap-lg); }
.nx-text { margin: 0; }
.nx-metric { margin: 0; padding: var(--nx-gap-md); background: var(--nx-surface); border-radius: var(--nx-radius); }
.nx-metric__label { color: var(--nx-muted); font-size: 0.85em; }
.nx-metric__value { margin: 0; font-size: 1.6em; font-weight: 600; }
.nx-button { font: inherit; padding: 6px 14px; border-radius: var(--nx-radius); border: 1px solid transparent; cursor: pointer; }
.nx-button:focus-visible { outline: 2px solid var(--nx-accent); outline-offset: 2px; }
.nx-button:disabled { opacity: 0.5; cursor: not-allowed; }
.nx-button--primary { background: var(--nx-accent); color: var(--nx-accent-fg); }
.nx-button--secondary { background: var(--nx-surface); color: var(--nx-fg); border-color: var(--nx-border); }
.nx-button--danger { background: var(--nx-danger); color: var(--nx-accent-fg); }
.nx-button--ghost { background: transparent; color: var(--nx-accent); }
.nx-unknown { border: 1px dashed var(--nx-danger); padding: var(--nx-gap-sm); border-radius: var(--nx-radius); }
.nx-unknown__label { color: var(--nx-danger); font-size: 0.85em; }
`
