// The bench's peer page: the least a React 19 app ships — react-dom's client root rendering one heading.
import { createRoot } from 'react-dom/client'

createRoot(document.getElementById('root')!).render(<h1>Hello</h1>)
