import type { HtmlPage } from '../../plugins/app/html-pages.js'

/**
 * The page the verification mail links to when no front-end handles it (`APP_URL` unset): opening
 * it changes nothing (mail scanners open links); its button sends the token to
 * `POST /auth/verify-email`. HTML and script are strings here so the compiled server carries them.
 */
const html = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Verify your email · Strata</title>
  <style>body { font: 16px/1.5 system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; }</style>
  <script type="module" src="/auth/verify-email.js"></script>
</head>
<body>
  <h1>Verify your email</h1>
  <p id="status">Confirm that this address is yours.</p>
  <button id="confirm" type="button">Verify my email</button>
</body>
</html>
`

// Without credentials: verifying needs no session, and a session cookie would bring the CSRF rule
// (its Origin must then be APP_URL's).
const script = `const token = new URLSearchParams(location.search).get('token') ?? ''
const status = document.getElementById('status')
const button = document.getElementById('confirm')
button.addEventListener('click', async () => {
  button.disabled = true
  const res = await fetch('/auth/verify-email', {
    method: 'POST', credentials: 'omit', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }),
  })
  const body = await res.json().catch(() => ({}))
  status.textContent = res.ok ? body.user.email + ' is verified. You can close this page.' : (body.error?.message ?? 'Verification failed (' + res.status + ')')
  button.disabled = res.ok
})
`

export const verifyEmailPage: HtmlPage = { url: '/auth/verify-email', html, scriptUrl: '/auth/verify-email.js', script }
