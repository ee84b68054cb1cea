/**
 * The components' stylesheet. Everything visual comes from `--nx-*` custom properties, so a host page can
 * restyle panels by overriding them; `[data-theme="dark"]` switches the palette.
 */
export const THEME_CSS = `
.nx-panel {
  --nx-bg: #ffffff; --nx-fg: #1c1f24; --nx-muted: #5b6270; --nx-border: #d9dde3;
  --nx-accent: #3b5bdb; --nx-accent-fg: #ffffff; --nx-danger: #c92a2a; --nx-surface: #f5f6f8;
  --nx-success: #2b8a3e; --nx-warning: #e67700; --nx-info: #1971c2;
  --nx-chart-1: #3b5bdb; --nx-chart-2: #2b8a3e; --nx-chart-3: #e67700; --nx-chart-4: #c2255c; --nx-chart-5: #0c8599;
  --nx-radius: 8px; --nx-font: system-ui, sans-serif; --nx-mono: ui-monospace, Menlo, Consolas, monospace;
  --nx-gap-none: 0; --nx-gap-sm: 4px; --nx-gap-md: 12px; --nx-gap-lg: 24px;
  background: var(--nx-bg); color: var(--nx-fg); font-family: var(--nx-font); padding: var(--nx-gap-md);
}
[data-theme="dark"] .nx-panel, .nx-panel[data-theme="dark"] {
  --nx-bg: #16181d; --nx-fg: #e8eaef; --nx-muted: #9aa1ad; --nx-border: #2c3038;
  --nx-accent: #748ffc; --nx-accent-fg: #0b0d12; --nx-danger: #ff8787; --nx-surface: #1f2229;
  --nx-success: #69db7c; --nx-warning: #ffc078; --nx-info: #74c0fc;
  --nx-chart-1: #748ffc; --nx-chart-2: #69db7c; --nx-chart-3: #ffc078; --nx-chart-4: #f783ac; --nx-chart-5: #66d9e8;
}
.nx-panel *, .nx-panel *::before, .nx-panel *::after { box-sizing: border-box; }
.nx-panel :focus-visible { outline: 2px solid var(--nx-accent); outline-offset: 2px; }
.nx-visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.nx-layout { display: flex; flex-direction: column; }
.nx-layout--row { flex-direction: row; flex-wrap: wrap; align-items: center; }
.nx-layout--auto, .nx-layout--grid, .nx-grid { display: grid; }
.nx-cell { min-width: 0; }
.nx-align--start { align-items: flex-start; } .nx-align--center { align-items: center; }
.nx-align--end { align-items: flex-end; } .nx-align--stretch { align-items: stretch; }
.nx-justify--start { justify-content: flex-start; } .nx-justify--center { justify-content: center; }
.nx-justify--end { justify-content: flex-end; } .nx-justify--between { justify-content: space-between; }
.nx-justify--around { justify-content: space-around; }
.nx-gap--none { gap: 0; } .nx-gap--sm { gap: var(--nx-gap-sm); } .nx-gap--md { gap: var(--nx-gap-md); } .nx-gap--lg { gap: var(--nx-gap-lg); }
.nx-iterate, .nx-iterate__item { display: contents; }
.nx-container { border-radius: var(--nx-radius); }
.nx-container--card { background: var(--nx-surface); padding: var(--nx-gap-md); }
.nx-container--outlined { border: 1px solid var(--nx-border); padding: var(--nx-gap-md); }
.nx-container__title { margin: 0 0 var(--nx-gap-md); font-size: 1em; }
.nx-container__body { display: flex; flex-direction: column; gap: var(--nx-gap-md); }
.nx-tabs__list { display: flex; gap: var(--nx-gap-sm); border-bottom: 1px solid var(--nx-border); }
.nx-tabs__tab { font: inherit; background: none; border: none; border-bottom: 2px solid transparent; padding: 6px 12px; color: var(--nx-muted); cursor: pointer; }
.nx-tabs__tab--selected { color: var(--nx-fg); border-bottom-color: var(--nx-accent); }
.nx-tabs__panel { padding-top: var(--nx-gap-md); display: flex; flex-direction: column; gap: var(--nx-gap-md); }
.nx-text { margin: 0; }
.nx-text--title { margin: 0; font-size: 1.4em; } .nx-text--subtitle { margin: 0; font-size: 1.1em; }
.nx-text--caption { font-size: 0.8em; } .nx-text--muted { color: var(--nx-muted); }
.nx-markdown > :first-child { margin-top: 0; } .nx-markdown > :last-child { margin-bottom: 0; }
.nx-markdown code, .nx-code pre { font-family: var(--nx-mono); }
.nx-markdown table { border-collapse: collapse; } .nx-markdown th, .nx-markdown td { border: 1px solid var(--nx-border); padding: 2px 8px; }
.nx-metric { margin: 0; padding: var(--nx-gap-md); background: var(--nx-surface); border-radius: var(--nx-radius); }
.nx-metric__label { color: var(--nx-muted); font-size: 0.85em; }
.nx-metric__value { margin: 0; font-size: 1.6em; font-weight: 600; }
.nx-metric__unit { font-size: 0.6em; color: var(--nx-muted); }
.nx-metric__trend--up { color: var(--nx-success); font-size: 0.6em; } .nx-metric__trend--down { color: var(--nx-danger); font-size: 0.6em; }
.nx-metric__trend--flat { color: var(--nx-muted); font-size: 0.6em; }
.nx-badge { display: inline-block; padding: 2px 10px; border-radius: 999px; font-size: 0.85em; font-weight: 600; border: 1px solid currentColor; }
.nx-badge--success { color: var(--nx-success); } .nx-badge--warning { color: var(--nx-warning); }
.nx-badge--danger { color: var(--nx-danger); } .nx-badge--info { color: var(--nx-info); } .nx-badge--neutral { color: var(--nx-muted); }
.nx-log { overflow: auto; font-family: var(--nx-mono); font-size: 0.85em; background: var(--nx-surface); border-radius: var(--nx-radius); padding: var(--nx-gap-sm) var(--nx-gap-md); }
.nx-log__line { display: flex; gap: var(--nx-gap-md); white-space: pre-wrap; }
.nx-log__time { color: var(--nx-muted); } .nx-log__level { font-weight: 600; text-transform: uppercase; }
.nx-log__line--error .nx-log__level { color: var(--nx-danger); } .nx-log__line--warn .nx-log__level { color: var(--nx-warning); }
.nx-chart { margin: 0; }
.nx-table { display: flex; flex-direction: column; gap: var(--nx-gap-sm); }
.nx-table__filter { display: flex; gap: var(--nx-gap-sm); align-items: center; }
.nx-table__grid { border: 1px solid var(--nx-border); border-radius: var(--nx-radius); overflow: hidden; }
.nx-table__row { display: grid; align-items: center; border-bottom: 1px solid var(--nx-border); height: 36px; }
.nx-table__head { background: var(--nx-surface); font-weight: 600; }
.nx-table__header { padding: 0 10px; cursor: pointer; user-select: none; }
.nx-table__cell { padding: 0 10px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.nx-table__scroll { overflow: auto; }
.nx-table__pager { display: flex; gap: var(--nx-gap-md); align-items: center; }
.nx-kanban { display: grid; grid-auto-flow: column; grid-auto-columns: minmax(160px, 1fr); gap: var(--nx-gap-md); }
.nx-kanban__column { background: var(--nx-surface); border-radius: var(--nx-radius); padding: var(--nx-gap-sm) var(--nx-gap-md); border: 2px solid transparent; }
.nx-kanban__column--over { border-color: var(--nx-accent); }
.nx-kanban__title { margin: 4px 0 8px; font-size: 0.95em; } .nx-kanban__count { color: var(--nx-muted); font-weight: 400; }
.nx-kanban__cards { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: var(--nx-gap-sm); min-height: 40px; }
.nx-kanban__card { background: var(--nx-bg); border: 1px solid var(--nx-border); border-radius: var(--nx-radius); padding: 8px; cursor: grab; }
.nx-calendar__title { margin: 0 0 var(--nx-gap-sm); }
.nx-calendar__grid { border-collapse: collapse; width: 100%; table-layout: fixed; }
.nx-calendar__grid th { font-size: 0.8em; color: var(--nx-muted); font-weight: 600; }
.nx-calendar__grid td { border: 1px solid var(--nx-border); vertical-align: top; height: 56px; padding: 2px 4px; }
.nx-calendar__date { font-size: 0.8em; color: var(--nx-muted); display: block; }
.nx-calendar__event { display: block; font-size: 0.75em; background: var(--nx-accent); color: var(--nx-accent-fg); border-radius: 4px; padding: 0 4px; margin-top: 2px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.nx-image { max-width: 100%; border-radius: var(--nx-radius); }
.nx-code { margin: 0; } .nx-code__language { font-size: 0.75em; color: var(--nx-muted); }
.nx-code pre { margin: 0; padding: var(--nx-gap-md); background: var(--nx-surface); border-radius: var(--nx-radius); overflow: auto; }
.nx-field { display: flex; flex-direction: column; gap: 4px; }
.nx-field--inline { flex-direction: row; align-items: center; gap: var(--nx-gap-md); }
.nx-field__label { font-size: 0.85em; color: var(--nx-muted); }
.nx-field__error { font-size: 0.8em; color: var(--nx-danger); }
.nx-input { font: inherit; padding: 6px 10px; border-radius: var(--nx-radius); border: 1px solid var(--nx-border); background: var(--nx-bg); color: var(--nx-fg); }
.nx-input[aria-invalid="true"] { border-color: var(--nx-danger); }
.nx-switch { width: 40px; height: 22px; border-radius: 11px; border: 1px solid var(--nx-border); background: var(--nx-surface); position: relative; cursor: pointer; padding: 0; }
.nx-switch__thumb { position: absolute; top: 2px; left: 2px; width: 16px; height: 16px; border-radius: 50%; background: var(--nx-muted); transition: left 0.1s; }
.nx-switch--on { background: var(--nx-accent); } .nx-switch--on .nx-switch__thumb { left: 20px; background: var(--nx-accent-fg); }
.nx-slider { display: flex; gap: var(--nx-gap-md); align-items: center; } .nx-slider__input { flex: 1; accent-color: var(--nx-accent); }
.nx-form { display: flex; flex-direction: column; gap: var(--nx-gap-md); }
.nx-button { font: inherit; padding: 6px 14px; border-radius: var(--nx-radius); border: 1px solid transparent; cursor: pointer; }
.nx-button:disabled, .nx-action:disabled { opacity: 0.5; cursor: not-allowed; }
.nx-button--primary { background: var(--nx-accent); color: var(--nx-accent-fg); }
.nx-button--secondary { background: var(--nx-surface); color: var(--nx-fg); border-color: var(--nx-border); }
.nx-button--danger { background: var(--nx-danger); color: var(--nx-accent-fg); }
.nx-button--ghost { background: transparent; color: var(--nx-accent); }
.nx-action { font: inherit; background: none; border: none; padding: 2px 4px; color: var(--nx-accent); text-decoration: underline; cursor: pointer; }
.nx-unknown { border: 1px dashed var(--nx-danger); padding: var(--nx-gap-sm); border-radius: var(--nx-radius); }
.nx-unknown__label { color: var(--nx-danger); font-size: 0.85em; }
`
