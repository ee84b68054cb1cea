/**
 * A dialect-neutral description of columns and tables: each column is written once here and built into
 * SQLite (`sqlite.ts`) and PostgreSQL (`pg.ts`) tables. Kinds: `text`; `integer` (int4 in PostgreSQL);
 * `timestamp` (milliseconds: integer in SQLite, bigint in PostgreSQL); `real` (real / double precision);
 * `serial` (an auto-increment primary key: integer in SQLite, bigserial in PostgreSQL).
 */
export type ColumnKind = 'text' | 'integer' | 'timestamp' | 'real' | 'serial'

/** A foreign key to `table.column` (keys of the table description, not SQL names). */
export interface ColumnReference {
  table: string
  column: string
  onDelete: 'cascade'
}

/** A column with no modifiers yet. */
export type NoFlags = Record<never, never>

export interface ColumnFlags {
  notNull?: true
  primaryKey?: true
  unique?: true
  default?: number
  references?: ColumnReference
}

/** One column. Modifiers return a new description whose type records them, so the builders know them too. */
export class Column<K extends ColumnKind = ColumnKind, N extends string = string, F extends ColumnFlags = ColumnFlags> {
  constructor(
    readonly kind: K,
    readonly name: N,
    readonly flags: F,
  ) {}

  notNull(): Column<K, N, F & { notNull: true }> {
    return new Column(this.kind, this.name, { ...this.flags, notNull: true })
  }

  primaryKey(): Column<K, N, F & { primaryKey: true }> {
    return new Column(this.kind, this.name, { ...this.flags, primaryKey: true })
  }

  unique(): Column<K, N, F & { unique: true }> {
    return new Column(this.kind, this.name, { ...this.flags, unique: true })
  }

  default(value: number): Column<K, N, F & { default: number }> {
    return new Column(this.kind, this.name, { ...this.flags, default: value })
  }

  /** A foreign key, deleted with its parent row. */
  references(table: string, column: string): Column<K, N, F & { references: ColumnReference }> {
    return new Column(this.kind, this.name, { ...this.flags, references: { table, column, onDelete: 'cascade' } })
  }
}

export function text<N extends string>(name: N): Column<'text', N, NoFlags> {
  return new Column('text', name, {})
}

export function integer<N extends string>(name: N): Column<'integer', N, NoFlags> {
  return new Column('integer', name, {})
}

export function timestamp<N extends string>(name: N): Column<'timestamp', N, NoFlags> {
  return new Column('timestamp', name, {})
}

export function real<N extends string>(name: N): Column<'real', N, NoFlags> {
  return new Column('real', name, {})
}

export function serial<N extends string>(name: N): Column<'serial', N, { primaryKey: true }> {
  return new Column('serial', name, { primaryKey: true })
}

/** Any described table, as the builders take it. */
export interface AnyTable {
  name: string
  columns: Record<string, Column>
  primaryKey?: readonly string[]
  indexes?: Readonly<Record<string, readonly string[]>>
}

/** A table: its SQL name, its columns by property name, and an optional composite key and indexes. */
export interface Table<N extends string, C extends Record<string, Column>> extends AnyTable {
  name: N
  columns: C
  primaryKey?: readonly (keyof C & string)[]
  /** Index name → the columns it covers, in order. */
  indexes?: Readonly<Record<string, readonly (keyof C & string)[]>>
}

export function table<N extends string, C extends Record<string, Column>>(
  name: N,
  columns: C,
  extra: Omit<Table<N, C>, 'name' | 'columns'> = {},
): Table<N, C> {
  return { name, columns, ...extra }
}
