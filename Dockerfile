# syntax=docker/dockerfile:1
# Build: compile TypeScript with the dev dependencies.
FROM node:24-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY web ./web
COPY public ./public
RUN npm run build

# Run: production dependencies only, compiled code, a non-root user, the store on a volume.
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    UPC_HOST=0.0.0.0 \
    UPC_PORT=8080 \
    UPC_DB=/data/upc-guard.db
COPY package.json package-lock.json ./
# better-sqlite3 is a native addon: the compilers are installed and removed in the same layer.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
 && npm ci --omit=dev --no-audit --no-fund \
 && apt-get purge -y python3 make g++ && apt-get autoremove -y && rm -rf /var/lib/apt/lists/* /root/.npm
COPY --from=build /app/dist ./dist
# The pages, with their scripts compiled from web/ in the build stage
COPY --from=build /app/public ./public
COPY config ./config
COPY migrations ./migrations
COPY scripts/healthcheck.mjs ./scripts/healthcheck.mjs
# 700: the store is the daemon user's alone (a new named volume takes this folder's mode)
RUN mkdir -p /data && chown node:node /data && chmod 700 /data
USER node
VOLUME ["/data"]
EXPOSE 8080
# Healthy: /readyz ready, degraded or stale (a restart cannot bring the hub back); unhealthy: the
# index did not load, or no answer (docs/OPERATIONS.md, Health).
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "scripts/healthcheck.mjs"]
CMD ["node", "dist/server.js"]
