import type { StrataOptionsInput } from './config/options.js'

/**
 * Your own entities and their migrations, for `npm start` and `npm run migrate` (docs/entities.md):
 * the migrations run at boot after Strata's, the entities are registered after pages and
 * attachments. Empty in Strata itself; the tasks example would be
 * `{ entities: [tasks], migrations: tasksMigrations }` (from `./examples/tasks/index.js`).
 * A server of your own passes the same two options to `app.register(strata, …)` instead.
 */
export const extensions: Pick<StrataOptionsInput, 'entities' | 'migrations'> = {}
