import t from 'tap'
import { launchChromium, withoutChromium } from '../chromium.js'
import { build, outbox, testDatabase } from '../helper.js'

/**
 * Without a front-end (`APP_URL` unset) the verification mail links to Strata's own page: opening
 * it changes nothing (mail scanners open links), its button verifies. The link names the address
 * the server listens on.
 */
const db = await testDatabase(t)
const { app } = await build(t, { secureCookies: false }, { database: db })
await app.listen({ port: 0, host: '127.0.0.1' })
const baseUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`

async function signUpByLink(email: string): Promise<{ link: string; userId: string }> {
  const res = await fetch(`${baseUrl}/auth/sign-up`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'password-123' }) })
  const { user } = await res.json() as { user: { id: string } }
  const mail = (await outbox(app)).findLast((m) => m.to === email)
  return { link: /https?:\/\/\S+\/auth\/verify-email\?token=[^\s"<]+/.exec(mail?.text ?? '')![0], userId: user.id }
}
const verified = async (userId: string) =>
  (await db.superuser.selectFrom('users').select('email_verified_at').where('id', '=', userId).executeTakeFirstOrThrow()).email_verified_at !== null

t.test('the link names this server, and opening it changes nothing', async (t) => {
  const { link, userId } = await signUpByLink('link@example.com')
  t.ok(link.startsWith(`${baseUrl}/auth/verify-email?token=`), `the link is this server's page: ${link.slice(0, 60)}…`)
  const page = await fetch(link)
  t.equal(page.status, 200)
  t.match(page.headers.get('content-type'), /^text\/html/)
  t.match(page.headers.get('content-security-policy'), /script-src 'self'/, 'the documents\' CSP: its own scripts only')
  const html = await page.text()
  t.match(html, '<script type="module" src="/auth/verify-email.js">', 'the script is a file of its own, not inline')
  t.match(html, '<button id="confirm"')
  const script = await fetch(`${baseUrl}/auth/verify-email.js`)
  t.equal(script.status, 200)
  t.match(script.headers.get('content-type'), /^text\/javascript/)
  t.equal(await verified(userId), false, 'GET and the script verify nothing by themselves')
  t.equal((await fetch(link, { method: 'HEAD' })).status, 200)
  t.equal(await verified(userId), false, 'nor does HEAD')
})

t.test('in headless Chromium: open the link, press the button, the address is verified', { skip: withoutChromium }, async (t) => {
  const { link, userId } = await signUpByLink('browser@example.com')
  const browser = await launchChromium(t)
  const page = await browser.newPage()
  const pageErrors: string[] = []
  page.on('pageerror', (error) => { pageErrors.push(String(error)) })
  await page.goto(link)
  t.equal(await verified(userId), false, 'not before the button')
  await page.click('#confirm')
  await page.waitForFunction(`document.getElementById('status').textContent.includes('is verified')`, { timeout: 10_000 })
  t.equal(await verified(userId), true, 'verified')

  // The link works once: a second press says so, in the API's words.
  await page.goto(link)
  await page.click('#confirm')
  await page.waitForFunction(`document.getElementById('status').textContent !== 'Confirm that this address is yours.'`, { timeout: 10_000 })
  t.equal(await page.$eval('#status', (el) => el.textContent), 'The verification link was already used', 'a used link is refused, in the API\'s words')
  t.same(pageErrors, [], 'no script error on the page')
})
