# syntax=docker/dockerfile:1
# Node 22: the supported LTS line, and the one cookie@2 / content-disposition@3 declare (no EBADENGINE).
ARG NODE_IMAGE=node:22-bookworm-slim

# Build stage: every dependency, TypeScript compiled to dist/.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# Production dependencies only: no embedded PostgreSQL binaries, no tsx/esbuild, no test tools.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# Runtime: code owned by root (read-only to the service), the data folder (mail outbox) owned by node.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p .data/outbox && chown -R node:node .data
USER node
EXPOSE 3000
# Liveness without curl: Node's own fetch against /health.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# DATABASE_URL is required: NODE_ENV=production refuses the embedded database. Operational
# scripts run from the same image: node dist/scripts/{db-roles,migrate,seed,db-maintenance}.js,
# the CDC worker: node dist/cdc.js.
CMD ["node", "dist/server.js"]
