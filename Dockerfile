# Faultline: the dashboard (and, with another command, the demo services).
# Build: docker compose build   ·   Run: docker compose up
FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles from source when no prebuilt binary can be fetched.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
# postinstall generates the Prisma client; then the Next.js production build.
RUN npm ci && npm run build --workspace apps/dashboard

FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=build /app /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_URL=file:/data/faultline.db
VOLUME /data
EXPOSE 3000
CMD ["npm", "start"]
