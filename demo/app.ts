/**
 * The live demo page (GET /demo), built on the SDK's browser entry: sign in, pick an
 * organization, list its pages and follow the change stream. Bundled by esbuild at boot.
 */
import { type Change, StrataError, catchUp, changes, createBrowserClient, ok } from '../sdk/src/browser.js'

const strata = createBrowserClient({ baseUrl: location.origin })
const { api } = strata

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T
const status = element<HTMLParagraphElement>('status')
const signInForm = element<HTMLFormElement>('sign-in')
const openForm = element<HTMLFormElement>('open')
const pagesList = element<HTMLUListElement>('pages')
const log = element<HTMLDivElement>('log')
const field = (form: HTMLFormElement, name: string) => form.elements.namedItem(name) as HTMLInputElement

const say = (text: string) => { status.textContent = text }
const failed = (error: unknown) => say(error instanceof StrataError ? `${error.type}: ${error.message}` : String(error))

/** Where we are signed in: the organizations to pick from. */
async function showOrganizations() {
  const { items } = await ok(api.GET('/me/memberships'))
  const select = openForm.elements.namedItem('membership') as HTMLSelectElement
  for (const m of items) select.add(new Option(`${m.organizationName} (${m.tenantId})`, `${m.tenantId}/${m.organizationId}`))
  signInForm.hidden = true
  openForm.hidden = false
  say('Signed in. Pick an organization, or type tenantId/orgId.')
}

signInForm.addEventListener('submit', (event) => {
  event.preventDefault()
  const body = { email: field(signInForm, 'email').value, password: field(signInForm, 'password').value }
  ok(api.POST('/auth/sign-in', { body })).then(showOrganizations).catch(failed)
})

let following: AbortController | undefined

openForm.addEventListener('submit', (event) => {
  event.preventDefault()
  const [tenantId = '', orgId = ''] = (field(openForm, 'path').value || (openForm.elements.namedItem('membership') as HTMLSelectElement).value).split('/')
  following?.abort()
  following = new AbortController()
  follow(tenantId, orgId, following.signal).catch(failed)
})

async function follow(tenantId: string, orgId: string, signal: AbortSignal) {
  const path = { tenantId, orgId }
  // The cursor first, then the list: a change made in between still arrives on the stream.
  const { cursor } = await catchUp(strata, { from: 'now' })
  const organization = await ok(api.GET('/{tenantId}/organizations/{idOrSlug}', { params: { path: { tenantId, idOrSlug: orgId } } }))
  element('organization-name').textContent = organization.name
  element('organization').hidden = false
  log.replaceChildren()
  const titles = new Map<string, string>()
  const render = () => pagesList.replaceChildren(...[...titles.values()].map((title) => {
    const item = document.createElement('li')
    item.textContent = title
    return item
  }))
  const { items } = await ok(api.GET('/{tenantId}/{orgId}/pages', { params: { path, query: { sort: 'createdAt', order: 'asc' } } }))
  for (const page of items) titles.set(page.id, page.title)
  render()
  say(`Live: ${organization.name}`)

  for await (const change of changes(strata, { from: cursor, signal })) {
    if (change.entityType !== 'page' || change.organizationId !== orgId) continue
    const title = titleOf(change, titles)
    if (change.action === 'delete') titles.delete(change.entityId)
    else titles.set(change.entityId, title)
    render()
    const line = document.createElement('div')
    line.textContent = `${change.action}d ${title}`
    log.append(line)
  }
}

/** A create or update carries the page as it became (`data`); a delete keeps the title we knew. */
function titleOf(change: Change, known: Map<string, string>): string {
  if (change.action === 'delete') return known.get(change.entityId) ?? change.entityId
  const title = change.data?.title
  return typeof title === 'string' ? title : change.entityId
}

// Already signed in (the cookie outlives the page): skip the form.
api.GET('/me').then(({ response }) => {
  if (response.ok) return showOrganizations()
  signInForm.hidden = false
  say('Sign in.')
}).catch(failed)
