import type { Compilable, CompiledQuery } from 'kysely'

/** Stands for a named value in a query built once (see `queryTemplate`). */
class Slot {
  constructor(readonly name: string) {}
}

/**
 * A query built and compiled by Kysely once, then run with new values bound as its parameters:
 * building and compiling the query tree on every request cost more CPU than parsing the rows it
 * returns (the page list: ~40 µs a request). `build` puts `slot(name)` where a named value goes
 * (typed `never`, so it fits wherever the query takes a value; use it only where Kysely binds a
 * scalar parameter: comparisons, limit, offset, `sql` templates); each call puts the values in
 * their places among the compiled parameters. The SQL text is the same string on
 * every run, so its prepared statement's name (`runtimeQueryPath`) is found without rehashing.
 */
export function queryTemplate<Row>(build: (slot: (name: string) => never) => Compilable<Row>): (values: Readonly<Record<string, unknown>>) => CompiledQuery<Row> {
  const compiled = build((name) => new Slot(name) as never).compile()
  const fixed = compiled.parameters
  const slotNames = fixed.map((value) => (value instanceof Slot ? value.name : null))
  return (values) => ({ ...compiled, parameters: slotNames.map((name, i) => (name === null ? fixed[i] : values[name])) })
}
