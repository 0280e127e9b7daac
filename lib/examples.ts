import { faker } from '@faker-js/faker'

/**
 * Realistic, deterministic examples for the OpenAPI document: faker with a fixed seed and a
 * fixed reference date, so `npm run openapi` writes the same file on every run.
 */
faker.seed(2026)
faker.setDefaultRefDate('2026-01-05T10:00:00.000Z')

const at = () => faker.date.recent({ days: 30 }).toISOString()
const id = () => faker.string.uuid()
const tenantId = faker.string.alphanumeric({ length: 6, casing: 'lower' })
const organizationId = id()
const userId = id()
const firstName = faker.person.firstName()
const lastName = faker.person.lastName()
const company = faker.company.name()
const can = { create: true, read: true, update: true, delete: false }

export const examples = {
  user: { id: userId, email: faker.internet.email({ firstName, lastName }).toLowerCase(), name: `${firstName} ${lastName}`, emailVerified: true, createdAt: at(), updatedAt: at() },
  signUp: { email: faker.internet.email({ firstName, lastName }).toLowerCase(), password: faker.internet.password({ length: 16 }), name: `${firstName} ${lastName}` },
  tenant: { id: tenantId, name: company, status: 'active', createdAt: at(), updatedAt: at() },
  organization: { id: organizationId, tenantId, name: company, slug: faker.helpers.slugify(company).toLowerCase().slice(0, 40), createdBy: userId, createdAt: at(), updatedAt: at(), can },
  page: {
    id: id(), tenantId, organizationId, title: faker.lorem.sentence({ min: 3, max: 6 }), content: faker.lorem.paragraphs(2),
    status: 'published', publicAccess: false, createdBy: userId, createdAt: at(), updatedAt: at(), can,
  },
  attachment: {
    id: id(), tenantId, organizationId, filename: faker.system.fileName(), contentType: faker.system.mimeType(),
    size: faker.number.int({ min: 1_000, max: 5_000_000 }), key: `uploads/${faker.string.alphanumeric(12)}`,
    createdBy: userId, createdAt: at(), updatedAt: at(), can,
  },
  emails: [faker.internet.email().toLowerCase(), faker.internet.email().toLowerCase()],
} as const
