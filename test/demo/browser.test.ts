import { sql } from 'kysely'
import t from 'tap'
import { createStrataClient, ok, sessionJar } from '../../sdk/src/index.js'
import { launchChromium, withoutChromium } from '../chromium.js'
import { build, makeSystemAdmin, syncOptions, testDatabase } from '../helper.js'


t.test('the demo page is opt-in: 404 without the option', async (t) => {
  const { app } = await build(t)
  for (const url of ['/demo', '/demo/app.js']) t.equal((await app.inject({ url })).statusCode, 404, url)
})

t.test('with the option, anyone gets the page and its script, under the usual CSP', async (t) => {
  const { app } = await build(t, { demo: true })
  const html = await app.inject({ url: '/demo' })
  t.equal(html.statusCode, 200, 'anonymous GET /demo')
  t.match(html.headers['content-type'], /^text\/html/)
  t.match(html.headers['content-security-policy'], /script-src 'self'/)
  t.match(html.body, '<script type="module" src="/demo/app.js">', 'the script is a file of its own, not inline')
  const script = await app.inject({ url: '/demo/app.js' })
  t.equal(script.statusCode, 200, 'anonymous GET /demo/app.js')
  t.match(script.headers['content-type'], /^text\/javascript/)
  t.comment(`demo bundle (SDK browser entry + page): ${script.body.length} bytes minified`)
})

const skip = withoutChromium

t.test('in headless Chromium: sign in, open an organization, a page made through the API appears live', { skip }, async (t) => {
  // A listening server with the notify sync source (no CDC worker to manage), as in development.
  const db = await testDatabase(t)
  await sql`alter database ${sql.id(db.name)} set strata.sync_source = 'notify'`.execute(db.superuser)
  await db.superuser.insertInto('tenants').values({ id: 'demo01', name: 'Demo' }).execute()
  const { app } = await build(t, { tenancy: 'multi', demo: true, secureCookies: false, ...syncOptions(db, 'notify') }, { database: db })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const baseUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`

  // The user, an organization and a first page, through the API (Node SDK).
  const tenantId = 'demo01'
  const strata = createStrataClient({ baseUrl, middleware: [sessionJar(baseUrl).middleware] })
  const credentials = { email: 'demo@example.com', password: 'password-123' }
  const { user } = await ok(strata.api.POST('/auth/sign-up', { body: credentials }))
  await makeSystemAdmin(db, user.id)
  const org = await ok(strata.api.POST('/{tenantId}/organizations', { params: { path: { tenantId } }, body: { name: 'Demo org', slug: 'demo-org' } }))
  const createPage = (title: string) =>
    ok(strata.api.POST('/{tenantId}/{orgId}/pages', { params: { path: { tenantId, orgId: org.id } }, body: { title } }))
  await createPage('Written before')

  const browser = await launchChromium(t)
  const started = Date.now()
  const page = await browser.newPage()
  const pageErrors: string[] = []
  page.on('pageerror', (error) => { pageErrors.push(String(error)) })
  await page.goto(`${baseUrl}/demo`)

  await page.waitForSelector('#sign-in:not([hidden])', { timeout: 10_000 })
  await page.type('#sign-in [name=email]', credentials.email)
  await page.type('#sign-in [name=password]', credentials.password)
  await page.click('#sign-in button')
  await page.waitForSelector(`#open:not([hidden]) option[value="${tenantId}/${org.id}"]`, { timeout: 10_000 })
  await page.select('#open [name=membership]', `${tenantId}/${org.id}`)
  await page.click('#open button')
  await page.waitForFunction(`document.getElementById('status').textContent.startsWith('Live:')`, { timeout: 10_000 })
  t.same(await page.$$eval('#pages li', (items) => items.map((i) => i.textContent)), ['Written before'], 'the organization\'s pages')

  await createPage('Arrived live')
  await page.waitForFunction(`document.getElementById('log').textContent.includes('created Arrived live')`, { timeout: 20_000 })
  t.same(await page.$$eval('#pages li', (items) => items.map((i) => i.textContent)), ['Written before', 'Arrived live'], 'the list is updated')
  t.same(pageErrors, [], 'no script error on the page')
  t.comment(`browser: open, sign in, pick, live change shown in ${Date.now() - started} ms`)
})
