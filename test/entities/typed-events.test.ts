import t from 'tap'
import type { Activity } from '../../sync/activity.js'
import { ActivityBus, type EntityActivity } from '../../sync/activity-bus.js'
// The tasks example adds `task: TaskDto` to StrataEntities (declaration merging).
import type {} from '../../examples/tasks/index.js'

// Compiles only with the right payload types (npx tsc): `task.created` carries a task's change.
const activity: Activity = {
  cursor: '0000000000000001', action: 'create', entityType: 'task', entityId: 'f0e1', tenantId: 'aaaaaa',
  organizationId: 'org', userId: null, seq: null, changedFields: null, createdAt: new Date(0).toISOString(),
  row: null, leftOwner: null, data: { title: 'Write the guide' },
}

t.test('activityBus.on(\'task.created\') is typed for the author\'s entity', async (t) => {
  const bus = new ActivityBus(async (after) => (after < activity.cursor ? [activity] : []), '')
  const received: Array<EntityActivity<'task'>> = []
  bus.on('task.created', (change) => {
    const type: 'task' = change.entityType
    // @ts-expect-error a task's change is never a page's
    const page: 'page' = change.entityType
    // @ts-expect-error the change carries ids and the task as `data`, not the task's fields
    change.title
    // The task's DTO, typed: its title is a string.
    const title: string | undefined = change.data?.title
    // @ts-expect-error a task has no page fields
    change.data?.publicAccess
    t.equal(title, 'Write the guide')
    received.push({ ...change, entityType: type ?? page })
  })
  // @ts-expect-error a listener for another entity's payload does not fit
  bus.on('task.updated', (_change: EntityActivity<'page'>) => {})
  await bus.catchUp()
  t.same(received, [activity])
})
