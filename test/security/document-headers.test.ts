import t from 'tap'
import { build } from '../helper.js'

// Attack on the split security headers (plugins/external/helmet.ts): every HTML document gets the
// full (document) set, whatever route or plugin serves it (@fastify/static's files under /docs).
t.test('every HTML document carries the document headers, whoever serves it', async (t) => {
  const { app } = await build(t, { demo: true }, { database: false })
  const routes = app.printRoutes({ commonPrefix: false })
  const pages = ['/docs', '/docs/static/oauth2-redirect.html']
  if (routes.includes('demo')) pages.push('/demo')
  for (const method of ['GET', 'HEAD'] as const) {
    for (const url of pages) {
      const res = await app.inject({ method, url })
      t.equal(res.statusCode, 200, `${method} ${url}`)
      t.match(res.headers['content-type'], /text\/html/, `${method} ${url} is a document`)
      t.match(res.headers['content-security-policy'], /script-src 'self'/, `${method} ${url}: the document CSP`)
      t.match(res.headers['content-security-policy'], /frame-ancestors 'self'/, `${method} ${url}: framed by nobody else`)
      t.equal(res.headers['cross-origin-opener-policy'], 'same-origin', `${method} ${url}: the document set (COOP)`)
      t.equal(res.headers['x-content-type-options'], 'nosniff', `${method} ${url}: nosniff`)
    }
  }
  // Anything else under /docs (assets, redirects, misses) still carries security headers.
  for (const url of ['/docs/', '/docs/static/index.html', '/docs/static/swagger-ui-bundle.js', '/docs/static/no-such-file.html', '/docs/static/../../package.json', '/docs/json']) {
    const res = await app.inject({ method: 'GET', url })
    t.equal(res.headers['x-content-type-options'], 'nosniff', `GET ${url} (${res.statusCode}): nosniff`)
    t.ok(res.headers['content-security-policy'], `GET ${url} (${res.statusCode}): a CSP`)
    if (/text\/html/.test(String(res.headers['content-type']))) {
      t.equal(res.headers['cross-origin-opener-policy'], 'same-origin', `GET ${url} is HTML: the document set`)
    }
  }
})
