/** The worked example of docs/entities.md: a `tasks` entity added from outside Strata's core. */
export { tasksMigrations } from './migrations.js'
export { default as tasksPlugin } from './plugin.js'
export { type TaskDto, type TaskRow, tasks } from './task.js'
