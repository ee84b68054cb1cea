import type { BuildColumns } from 'drizzle-orm'
import {
  type AnySQLiteColumn,
  index,
  integer,
  primaryKey,
  real,
  type SQLiteColumnBuilderBase,
  type SQLiteIntegerBuilderInitial,
  type SQLiteRealBuilderInitial,
  type SQLiteTableWithColumns,
  type SQLiteTextBuilderInitial,
  sqliteTable,
  text,
} from 'drizzle-orm/sqlite-core'
import type { AnyTable, Column, ColumnFlags, ColumnKind } from './columns.ts'

type Initial<K extends ColumnKind, N extends string> = K extends 'text'
  ? SQLiteTextBuilderInitial<N, [string, ...string[]], number | undefined>
  : K extends 'real'
    ? SQLiteRealBuilderInitial<N>
    : SQLiteIntegerBuilderInitial<N>

// Each flag applies drizzle's own method type, so a built column has exactly the type drizzle would give it.
type WithPrimaryKey<B, F> = F extends { primaryKey: true } ? (B extends { primaryKey(): infer R } ? R : never) : B
type WithNotNull<B, F> = F extends { notNull: true } ? (B extends { notNull(): infer R } ? R : never) : B
type WithDefault<B, F> = F extends { default: number } ? (B extends { default(v: never): infer R } ? R : never) : B

/** The drizzle SQLite column builder a description stands for. */
export type SqliteColumn<C> =
  C extends Column<infer K, infer N, infer F extends ColumnFlags>
    ? WithDefault<WithNotNull<WithPrimaryKey<Initial<K, N>, F>, F>, F>
    : never

/** The drizzle SQLite table a description stands for: what `sqliteTable` would return. */
export type SqliteTable<T extends AnyTable> = SQLiteTableWithColumns<{
  name: T['name']
  schema: undefined
  columns: BuildColumns<T['name'], { [K in keyof T['columns']]: SqliteColumn<T['columns'][K]> }, 'sqlite'>
  dialect: 'sqlite'
}>

/** Builds every described table for SQLite; foreign keys resolve among the tables built here. */
export function sqliteTables<T extends Record<string, AnyTable>>(tables: T): { [K in keyof T]: SqliteTable<T[K]> } {
  const built: Record<string, Record<string, AnySQLiteColumn>> = {}
  for (const [key, spec] of Object.entries(tables)) {
    const columns: Record<string, SQLiteColumnBuilderBase> = {}
    for (const [name, column] of Object.entries(spec.columns)) columns[name] = sqliteColumn(column, built)
    built[key] = sqliteTable(spec.name, columns, (t) => [
      ...(spec.primaryKey ? [primaryKey({ columns: pick(t, spec.primaryKey) })] : []),
      ...Object.entries(spec.indexes ?? {}).map(([name, on]) => index(name).on(...pick(t, on))),
    ]) as unknown as Record<string, AnySQLiteColumn>
  }
  return built as unknown as { [K in keyof T]: SqliteTable<T[K]> }
}

function sqliteColumn(column: Column, built: Record<string, Record<string, AnySQLiteColumn>>) {
  const { kind, name, flags } = column
  // The chain is dynamic here; the types above say what it yields.
  let b = (kind === 'text' ? text(name) : kind === 'real' ? real(name) : integer(name)) as unknown as Chain
  if (flags.primaryKey) b = kind === 'serial' ? b.primaryKey({ autoIncrement: true }) : b.primaryKey()
  if (flags.notNull) b = b.notNull()
  if (flags.unique) b = b.unique()
  if (flags.default !== undefined) b = b.default(flags.default)
  const ref = flags.references
  if (ref) b = b.references(() => built[ref.table]![ref.column]!, { onDelete: ref.onDelete })
  return b as unknown as SQLiteColumnBuilderBase
}

interface Chain {
  primaryKey(config?: { autoIncrement: boolean }): Chain
  notNull(): Chain
  unique(): Chain
  default(value: number): Chain
  references(ref: () => AnySQLiteColumn, actions: { onDelete: 'cascade' }): Chain
}

function pick<C>(t: Record<string, C>, keys: readonly string[]): [C, ...C[]] {
  return keys.map((k) => t[k]!) as [C, ...C[]]
}
