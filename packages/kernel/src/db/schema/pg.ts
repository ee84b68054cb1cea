import type { BuildColumns } from 'drizzle-orm'
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  doublePrecision,
  index,
  integer,
  type PgBigInt53BuilderInitial,
  type PgBigSerial53BuilderInitial,
  type PgColumnBuilderBase,
  type PgDoublePrecisionBuilderInitial,
  type PgIntegerBuilderInitial,
  type PgTableWithColumns,
  type PgTextBuilderInitial,
  pgTable,
  primaryKey,
  text,
} from 'drizzle-orm/pg-core'
import type { AnyTable, Column, ColumnFlags, ColumnKind } from './columns.ts'

type Initial<K extends ColumnKind, N extends string> = K extends 'text'
  ? PgTextBuilderInitial<N, [string, ...string[]]>
  : K extends 'real'
    ? PgDoublePrecisionBuilderInitial<N>
    : K extends 'timestamp'
      ? PgBigInt53BuilderInitial<N>
      : K extends 'serial'
        ? PgBigSerial53BuilderInitial<N>
        : PgIntegerBuilderInitial<N>

// Each flag applies drizzle's own method type, so a built column has exactly the type drizzle would give it.
type WithPrimaryKey<B, F> = F extends { primaryKey: true } ? (B extends { primaryKey(): infer R } ? R : never) : B
type WithNotNull<B, F> = F extends { notNull: true } ? (B extends { notNull(): infer R } ? R : never) : B
type WithDefault<B, F> = F extends { default: number } ? (B extends { default(v: never): infer R } ? R : never) : B

/** The drizzle PostgreSQL column builder a description stands for. */
export type PgColumn<C> =
  C extends Column<infer K, infer N, infer F extends ColumnFlags>
    ? WithDefault<WithNotNull<WithPrimaryKey<Initial<K, N>, F>, F>, F>
    : never

/** The drizzle PostgreSQL table a description stands for: what `pgTable` would return. */
export type PgTable<T extends AnyTable> = PgTableWithColumns<{
  name: T['name']
  schema: undefined
  columns: BuildColumns<T['name'], { [K in keyof T['columns']]: PgColumn<T['columns'][K]> }, 'pg'>
  dialect: 'pg'
}>

/** Builds every described table for PostgreSQL; foreign keys resolve among the tables built here. */
export function pgTables<T extends Record<string, AnyTable>>(tables: T): { [K in keyof T]: PgTable<T[K]> } {
  const built: Record<string, Record<string, AnyPgColumn>> = {}
  for (const [key, spec] of Object.entries(tables)) {
    const columns: Record<string, PgColumnBuilderBase> = {}
    for (const [name, column] of Object.entries(spec.columns)) columns[name] = pgColumn(column, built)
    built[key] = pgTable(spec.name, columns, (t) => [
      ...(spec.primaryKey ? [primaryKey({ columns: pick(t, spec.primaryKey) })] : []),
      ...Object.entries(spec.indexes ?? {}).map(([name, on]) => index(name).on(...pick(t, on))),
    ]) as unknown as Record<string, AnyPgColumn>
  }
  return built as unknown as { [K in keyof T]: PgTable<T[K]> }
}

function pgColumn(column: Column, built: Record<string, Record<string, AnyPgColumn>>) {
  const { kind, name, flags } = column
  // The chain is dynamic here; the types above say what it yields.
  const initial =
    kind === 'text'
      ? text(name)
      : kind === 'real'
        ? doublePrecision(name)
        : kind === 'timestamp'
          ? bigint(name, { mode: 'number' })
          : kind === 'serial'
            ? bigserial(name, { mode: 'number' })
            : integer(name)
  let b = initial as unknown as Chain
  if (flags.primaryKey) b = b.primaryKey()
  if (flags.notNull) b = b.notNull()
  if (flags.unique) b = b.unique()
  if (flags.default !== undefined) b = b.default(flags.default)
  const ref = flags.references
  if (ref) b = b.references(() => built[ref.table]![ref.column]!, { onDelete: ref.onDelete })
  return b as unknown as PgColumnBuilderBase
}

interface Chain {
  primaryKey(): Chain
  notNull(): Chain
  unique(): Chain
  default(value: number): Chain
  references(ref: () => AnyPgColumn, actions: { onDelete: 'cascade' }): Chain
}

function pick<C>(t: Record<string, C>, keys: readonly string[]): [C, ...C[]] {
  return keys.map((k) => t[k]!) as [C, ...C[]]
}
