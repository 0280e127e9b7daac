import SwaggerParser from '@apidevtools/swagger-parser'
import t from 'tap'
import { build } from '../helper.js'

t.test('the OpenAPI document is valid 3.1 and lists every route', async (t) => {
  const { app, routes } = await build(t, { tenancy: 'multi' }, { database: false })
  const res = await app.inject({ method: 'GET', url: '/openapi.json' })
  t.equal(res.statusCode, 200)
  const document = res.json()
  t.equal(document.openapi, '3.1.0')
  await t.resolves(SwaggerParser.validate(structuredClone(document)), 'validates')

  const documented = new Set<string>()
  for (const [path, item] of Object.entries<Record<string, unknown>>(document.paths)) {
    for (const method of Object.keys(item)) documented.add(`${method.toUpperCase()} ${path}`)
  }
  // Every route of ours is documented; hidden ones (docs assets, /metrics) excepted.
  const ours = routes.filter((r) => r.config?.guards && !r.schema?.hide)
  t.ok(ours.length >= 2, 'routes were recorded')
  for (const route of ours) {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    for (const method of methods.filter((m) => m !== 'HEAD')) {
      const path = route.url.replace(/:(\w+)/g, '{$1}')
      t.ok(documented.has(`${method} ${path}`), `${method} ${path} is documented`)
    }
  }
})

t.test('openapi: false registers no docs routes', async (t) => {
  const { app } = await build(t, { openapi: false }, { database: false })
  t.equal((await app.inject({ method: 'GET', url: '/openapi.json' })).statusCode, 404)
  t.equal((await app.inject({ method: 'GET', url: '/docs' })).statusCode, 404)
})

t.test('Swagger UI is served at /docs', async (t) => {
  const { app } = await build(t, {}, { database: false })
  const res = await app.inject({ method: 'GET', url: '/docs/' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /html/)
})
