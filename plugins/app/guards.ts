import fp from 'fastify-plugin'

/** The guard chain a route declares (SPEC §5); checked in this order. */
export type Guard = 'public' | 'auth' | 'sysAdmin' | 'tenant' | 'org' | 'crossTenant' | 'cdcSecret'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Every route states who may call it; a route without this fails to register. */
    guards?: Guard[]
  }
}

// Routes added by libraries (Swagger UI assets, CORS preflight, HEAD twins) are public by nature.
const libraryRoute = (url: string) => url.startsWith('/docs') || url === '/openapi.json' || url === '*'

/** Enforces that every route declares its guards. */
export default fp(async (fastify) => {
  fastify.addHook('onRoute', (route) => {
    if (route.method === 'HEAD' || route.method === 'OPTIONS' || libraryRoute(route.url)) return
    if (!route.config?.guards?.length) {
      throw new Error(`route ${String(route.method)} ${route.url} declares no guards`)
    }
  })
}, { name: 'guards' })
