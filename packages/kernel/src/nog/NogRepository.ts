import { sql, type SQL } from 'drizzle-orm'
import { num, numOrNull, type SqlRunner } from '../db/SqlRunner.ts'
import type {
  EntityCategory,
  FieldVersions,
  NogEntity,
  NogPatch,
  NogRelationship,
  NogSource,
  PatchSource,
  PatchStatus,
  RelationshipType,
} from './types.ts'

/** An entity or relationship with the per-field versions used to rebase stale edits. */
export interface Stored<T> {
  value: T
  fieldVersions: FieldVersions
}

/** One row to write: created, updated (all columns rewritten; `previous` is the value replaced) or deleted. */
export type Write =
  | { kind: 'entity'; op: 'create' | 'update' | 'delete'; stored: Stored<NogEntity>; previous?: NogEntity }
  | {
      kind: 'relationship'
      op: 'create' | 'update' | 'delete'
      stored: Stored<NogRelationship>
      previous?: NogRelationship
    }

type Row = Record<string, unknown>

const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v))

function toEntity(r: Row): Stored<NogEntity> {
  return {
    value: {
      id: String(r.id),
      workspaceId: String(r.workspace_id),
      name: String(r.name),
      category: String(r.category) as EntityCategory,
      status: String(r.status),
      description: String(r.description),
      tags: JSON.parse(String(r.tags)) as string[],
      properties: JSON.parse(String(r.properties)) as NogEntity['properties'],
      sourcePanel: strOrNull(r.source_panel),
      source: String(r.source) as NogSource,
      version: num(r.version),
      createdAt: num(r.created_at),
      updatedAt: num(r.updated_at),
    },
    fieldVersions: JSON.parse(String(r.field_versions)) as FieldVersions,
  }
}

function toRelationship(r: Row): Stored<NogRelationship> {
  return {
    value: {
      id: String(r.id),
      workspaceId: String(r.workspace_id),
      fromId: String(r.from_id),
      toId: String(r.to_id),
      type: String(r.type) as RelationshipType,
      strength: num(r.strength),
      confidence: num(r.confidence),
      source: String(r.source) as NogSource,
      version: num(r.version),
      createdAt: num(r.created_at),
      updatedAt: num(r.updated_at),
    },
    fieldVersions: JSON.parse(String(r.field_versions)) as FieldVersions,
  }
}

function toPatch(r: Row): NogPatch {
  return {
    id: String(r.id),
    workspaceId: String(r.workspace_id),
    status: String(r.status) as PatchStatus,
    source: String(r.source) as PatchSource,
    author: strOrNull(r.author),
    summary: String(r.summary),
    baseVersion: num(r.base_version),
    ops: JSON.parse(String(r.ops)) as NogPatch['ops'],
    reason: strOrNull(r.reason),
    reviewedBy: strOrNull(r.reviewed_by),
    appliedVersion: numOrNull(r.applied_version),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
    expiresAt: num(r.expires_at),
  }
}

// Sorted here, not in SQL: collations differ between the databases, and events should list changes alike.
const byId = <T extends { value: { id: string } }>(xs: T[]): T[] =>
  xs.sort((a, b) => (a.value.id < b.value.id ? -1 : a.value.id > b.value.id ? 1 : 0))

const inList = (ids: readonly string[]) =>
  sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  )

/** NOG tables, written once in SQL both SQLite and PostgreSQL accept. */
export class NogRepository {
  constructor(private readonly db: SqlRunner) {}

  async graphVersion(workspaceId: string): Promise<number> {
    const [row] = await this.db.all<Row>(sql`select version from nog_versions where workspace_id = ${workspaceId}`)
    return row ? num(row.version) : 0
  }

  async loadGraph(workspaceId: string) {
    const version = await this.graphVersion(workspaceId)
    const entities = await this.db.all<Row>(sql`select * from nog_entities where workspace_id = ${workspaceId}`)
    const rels = await this.db.all<Row>(sql`select * from nog_relationships where workspace_id = ${workspaceId}`)
    return {
      version,
      entities: entities.map((r) => toEntity(r).value),
      relationships: rels.map((r) => toRelationship(r).value),
    }
  }

  async entities(workspaceId: string, ids: readonly string[]): Promise<Stored<NogEntity>[]> {
    if (ids.length === 0) return []
    const rows = await this.db.all<Row>(
      sql`select * from nog_entities where workspace_id = ${workspaceId} and id in (${inList(ids)})`,
    )
    return byId(rows.map(toEntity))
  }

  async panelEntities(workspaceId: string, panelId: string): Promise<Stored<NogEntity>[]> {
    const rows = await this.db.all<Row>(sql`select * from nog_entities
      where workspace_id = ${workspaceId} and source_panel = ${panelId} and source = 'derived'`)
    return byId(rows.map(toEntity))
  }

  async relationships(workspaceId: string, ids: readonly string[]): Promise<Stored<NogRelationship>[]> {
    if (ids.length === 0) return []
    const rows = await this.db.all<Row>(
      sql`select * from nog_relationships where workspace_id = ${workspaceId} and id in (${inList(ids)})`,
    )
    return byId(rows.map(toRelationship))
  }

  /** Relationships with either end in `entityIds`. */
  async relationshipsTouching(workspaceId: string, entityIds: readonly string[]): Promise<Stored<NogRelationship>[]> {
    if (entityIds.length === 0) return []
    const list = inList(entityIds)
    const rows = await this.db.all<Row>(sql`select * from nog_relationships
      where workspace_id = ${workspaceId} and (from_id in (${list}) or to_id in (${list}))`)
    return byId(rows.map(toRelationship))
  }

  /** The statements that write `writes` and move the graph from `previous` to `version`. */
  writeStatements(workspaceId: string, writes: readonly Write[], previous: number, version: number): SQL[] {
    const statements = writes.map((w) => (w.kind === 'entity' ? entityStatement(w) : relationshipStatement(w)))
    statements.push(sql`insert into nog_versions (workspace_id, version) values (${workspaceId}, ${version})
      on conflict (workspace_id) do update set version = excluded.version where nog_versions.version = ${previous}`)
    return statements
  }

  async batch(statements: SQL[]): Promise<void> {
    await this.db.batch(statements)
  }

  insertPatch(p: NogPatch): SQL {
    return sql`insert into nog_patches (id, workspace_id, status, source, author, summary, base_version, ops, reason,
        reviewed_by, applied_version, created_at, updated_at, expires_at)
      values (${p.id}, ${p.workspaceId}, ${p.status}, ${p.source}, ${p.author}, ${p.summary}, ${p.baseVersion},
        ${JSON.stringify(p.ops)}, ${p.reason}, ${p.reviewedBy}, ${p.appliedVersion}, ${p.createdAt}, ${p.updatedAt},
        ${p.expiresAt})`
  }

  /** Moves a patch on from `from`; does nothing when its status is no longer `from`. */
  updatePatch(p: NogPatch, from: PatchStatus): SQL {
    return sql`update nog_patches set status = ${p.status}, reason = ${p.reason}, reviewed_by = ${p.reviewedBy},
        applied_version = ${p.appliedVersion}, updated_at = ${p.updatedAt}
      where id = ${p.id} and status = ${from}`
  }

  async run(statement: SQL): Promise<number> {
    return this.db.run(statement)
  }

  async patch(workspaceId: string, id: string): Promise<NogPatch | undefined> {
    const [row] = await this.db.all<Row>(
      sql`select * from nog_patches where workspace_id = ${workspaceId} and id = ${id}`,
    )
    return row && toPatch(row)
  }

  async listPatches(workspaceId: string, status: PatchStatus | undefined, limit: number): Promise<NogPatch[]> {
    const rows = await this.db.all<Row>(sql`select * from nog_patches where workspace_id = ${workspaceId}
      ${status ? sql`and status = ${status}` : sql``} order by created_at desc, id limit ${limit}`)
    return rows.map(toPatch)
  }

  /** Marks pending patches past their expiry as expired (in one workspace, or all); returns how many. */
  async expire(now: number, workspaceId?: string): Promise<number> {
    return this.db.run(sql`update nog_patches set status = 'expired', updated_at = ${now}
      where status = 'pending' and expires_at <= ${now} ${workspaceId ? sql`and workspace_id = ${workspaceId}` : sql``}`)
  }
}

function entityStatement(w: Write & { kind: 'entity' }): SQL {
  const e = w.stored.value
  if (w.op === 'delete') return sql`delete from nog_entities where workspace_id = ${e.workspaceId} and id = ${e.id}`
  const [tags, properties, fv] = [
    JSON.stringify(e.tags),
    JSON.stringify(e.properties),
    JSON.stringify(w.stored.fieldVersions),
  ]
  if (w.op === 'create') {
    return sql`insert into nog_entities (workspace_id, id, name, category, status, description, tags, properties,
        source_panel, source, version, field_versions, created_at, updated_at)
      values (${e.workspaceId}, ${e.id}, ${e.name}, ${e.category}, ${e.status}, ${e.description}, ${tags},
        ${properties}, ${e.sourcePanel}, ${e.source}, ${e.version}, ${fv}, ${e.createdAt}, ${e.updatedAt})`
  }
  return sql`update nog_entities set name = ${e.name}, category = ${e.category}, status = ${e.status},
      description = ${e.description}, tags = ${tags}, properties = ${properties}, source_panel = ${e.sourcePanel},
      version = ${e.version}, field_versions = ${fv}, updated_at = ${e.updatedAt}
    where workspace_id = ${e.workspaceId} and id = ${e.id}`
}

function relationshipStatement(w: Write & { kind: 'relationship' }): SQL {
  const r = w.stored.value
  if (w.op === 'delete')
    return sql`delete from nog_relationships where workspace_id = ${r.workspaceId} and id = ${r.id}`
  const fv = JSON.stringify(w.stored.fieldVersions)
  if (w.op === 'create') {
    return sql`insert into nog_relationships (workspace_id, id, from_id, to_id, type, strength, confidence, source,
        version, field_versions, created_at, updated_at)
      values (${r.workspaceId}, ${r.id}, ${r.fromId}, ${r.toId}, ${r.type}, ${r.strength}, ${r.confidence},
        ${r.source}, ${r.version}, ${fv}, ${r.createdAt}, ${r.updatedAt})`
  }
  return sql`update nog_relationships set type = ${r.type}, strength = ${r.strength}, confidence = ${r.confidence},
      version = ${r.version}, field_versions = ${fv}, updated_at = ${r.updatedAt}
    where workspace_id = ${r.workspaceId} and id = ${r.id}`
}
