import type { PanelAst } from '@nexus/protocol'
import { compileNxml } from '@nexus/reactor'
import { KernelError, notFound } from '../errors.ts'
import type { PanelRepository, StoredPanel } from '../db/PanelRepository.ts'

/** A panel as the kernel holds it in memory: its parsed NXML beside the stored row. */
export interface LivePanel extends StoredPanel {
  ast: PanelAst
}

/**
 * The panels this process holds: one live copy per panel (the source of snapshots), loaded from the
 * repository on first use and kept while the process runs. A copy changes only after its DB write commits.
 */
export class PanelStore {
  private readonly live = new Map<string, LivePanel>()

  /** `loaded` hears each panel this process loads from the database (not one it created), once. */
  constructor(
    private readonly repository: PanelRepository,
    private readonly loaded: (panel: LivePanel) => void,
  ) {}

  /** The panel with its parsed NXML, from memory or the database; trashed panels only with `includeTrashed`. */
  async get(id: string, includeTrashed = false): Promise<LivePanel> {
    const panel = await this.load(id)
    if (panel.deletedAt !== null && !includeTrashed) throw notFound(`Panel "${id}"`)
    return panel
  }

  /** The in-memory copy, if the panel is loaded (synchronous, for broadcasting). */
  cached(id: string): LivePanel | undefined {
    return this.live.get(id)
  }

  /** A panel this process just created (and stored). */
  add(panel: LivePanel): void {
    this.live.set(panel.id, panel)
  }

  /** Forgets the copy (another writer moved the panel on): the next `get` reloads it. */
  evict(id: string): void {
    this.live.delete(id)
  }

  list(workspaceIds: readonly string[], trashed = false) {
    return this.repository.list(workspaceIds, trashed)
  }

  changesSince(id: string, since: number, limit: number) {
    return this.repository.changesSince(id, since, limit)
  }

  private async load(id: string): Promise<LivePanel> {
    const cached = this.live.get(id)
    if (cached) return cached
    const stored = await this.repository.get(id)
    if (!stored) throw notFound(`Panel "${id}"`)
    const compiled = compileNxml(stored.nxml)
    if (!compiled.ast) throw new KernelError('NXML_INVALID', `Stored panel "${id}" no longer parses`, 500)
    // Another load may have won the race while this one awaited; keep the first so there is one live copy.
    const first = this.live.get(id)
    if (first) return first
    const panel = { ...stored, ast: compiled.ast }
    this.live.set(id, panel)
    this.loaded(panel)
    return panel
  }
}
