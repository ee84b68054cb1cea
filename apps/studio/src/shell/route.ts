/** Where the studio is, from the URL hash: `#/` canvas, `#/panels/<id>`, `#/graph`, `#/settings`. */
export interface Route {
  page: 'workspace' | 'panel' | 'graph' | 'settings'
  panelId?: string
}

export function routeFromHash(hash: string): Route {
  const panel = /^#\/panels\/([A-Za-z0-9_-]+)/.exec(hash)
  if (panel) return { page: 'panel', panelId: panel[1] }
  if (/^#\/graph\b/.test(hash)) return { page: 'graph' }
  if (/^#\/settings\b/.test(hash)) return { page: 'settings' }
  return { page: 'workspace' }
}

export function hashOf(route: Route): string {
  switch (route.page) {
    case 'panel':
      return `#/panels/${route.panelId}`
    case 'graph':
      return '#/graph'
    case 'settings':
      return '#/settings'
    case 'workspace':
      return '#/'
  }
}
