import pg from 'pg'
import pino from 'pino'
import t from 'tap'
import { loggerOptions, logOutputFor } from '../../lib/logger.js'
import { logCapture, testDatabase } from '../helper.js'

/** A pino logger with our options, and the lines it wrote. */
function capture() {
  const { stream, lines } = logCapture()
  return { log: pino(loggerOptions('info'), stream), lines }
}

t.test('an error carrying a pg Client logs a short line without SQL or connection details', async (t) => {
  const db = await testDatabase(t)
  const client = new pg.Client({ connectionString: db.runtimeUrl })
  await client.connect()
  t.teardown(() => client.end().catch(() => {}))
  // A prepared statement, so the client holds its SQL (as the logs showed).
  await client.query({ name: 'secret-statement', text: 'select $1::text as marker_sql_text', values: ['x'] })
  const error = await client.query('select * from no_such_table').catch((e: Error) => e)
  Object.assign(error as object, { client })

  const { log, lines } = capture()
  log.error({ err: error }, 'idle postgres connection failed')
  log.warn({ client, pool: { connection: client } }, 'a driver object in any field')

  const [errorLine, fieldLine] = lines as [string, string]
  t.ok(errorLine.length < 2_000, `short: ${errorLine.length} bytes`)
  const logged = JSON.parse(errorLine) as { err: { message: string; code: string; stack: string } }
  t.equal(logged.err.message, 'relation "no_such_table" does not exist')
  t.equal(logged.err.code, '42P01')
  t.match(logged.err.stack, /no_such_table/)
  for (const line of [errorLine, fieldLine]) {
    t.notMatch(line, /marker_sql_text|connectionParameters|runtime_role|password/, 'no SQL, no connection parameters')
  }
  t.same(JSON.parse(fieldLine).client, '[Client]')
  t.same(JSON.parse(fieldLine).pool, '[Object]')
})

t.test('pino-pretty only for a person at a development terminal; JSON otherwise', async (t) => {
  t.equal(logOutputFor('development', true), 'pretty')
  t.equal(logOutputFor('development', false), 'json')
  t.equal(logOutputFor('production', true), 'json')
  t.equal(logOutputFor('test', true), 'json')
})
