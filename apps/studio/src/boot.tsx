import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { THEME_CSS } from '@nexus/reactor'
import { App } from './App.tsx'

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
