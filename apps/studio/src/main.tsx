import './zodConfig.ts'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { THEME_CSS } from '@nexus/reactor'
import { App } from './App.tsx'
import { applyTheme, storedThemeChoice } from './shell/theme.ts'
import './styles.css'

// Before the first render, so the page never flashes the other theme; no inline script (the CSP allows none).
applyTheme(storedThemeChoice())

// The panel components' stylesheet (CSS variables, light and dark) ships with the reactor.
const themeStyle = document.createElement('style')
themeStyle.textContent = THEME_CSS
document.head.append(themeStyle)

const root = document.getElementById('root')
if (!root) throw new Error('index.html lacks #root')
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
