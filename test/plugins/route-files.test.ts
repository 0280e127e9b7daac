import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyRequest } from 'fastify'
import t from 'tap'
import { build } from '../helper.js'

/**
 * Route files are loaded without encapsulation (app.ts), so every route's requests and replies are
 * of one class and Fastify's per-request code stays monomorphic. The price: whatever a route file
 * sets on its instance reaches every route. Read from the folder, so a route file added later is
 * checked too.
 */
const routesDir = fileURLToPath(new URL('../../routes/', import.meta.url))
const routeFiles = readdirSync(routesDir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'))

/** Calls that change an instance rather than add a route to it. */
const instanceChanges = /\.(addHook|decorate\w*|register|setErrorHandler|setNotFoundHandler|setSchemaErrorFormatter|setValidatorCompiler|setSerializerCompiler|setReplySerializer|addContentTypeParser)\(/g

t.test('route files add routes only: hooks, decorators, handlers and nested plugins belong in plugins/', async (t) => {
  t.ok(routeFiles.length >= 10, `route files found (${routeFiles.length})`)
  for (const file of routeFiles) {
    const calls = [...readFileSync(path.join(routesDir, file), 'utf8').matchAll(instanceChanges)].map((match) => match[0])
    t.same(calls, [], `routes/${file}`)
  }
})

t.test('requests to routes of different files are of one class', async (t) => {
  const classes = new Map<string, object>()
  const { app } = await build(t, {}, {
    database: false,
    routes: (app) => {
      app.addHook('onResponse', async (request: FastifyRequest) => {
        classes.set(request.routeOptions.url ?? request.url, Object.getPrototypeOf(request))
      })
    },
  })
  for (const url of ['/health', '/me', '/me/tokens', '/tenants', '/organizations']) await app.inject({ method: 'GET', url })
  t.same([...classes.keys()].sort(), ['/health', '/me', '/me/tokens', '/tenants', '/organizations'].sort(), 'every request was seen')
  t.equal(new Set(classes.values()).size, 1, 'one request class')
})
