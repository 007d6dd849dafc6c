FROM oven/bun:1.4 AS base
WORKDIR /app
ENV NODE_ENV=production

# Dependencies first, so this layer is reused until package.json or bun.lock change.
COPY package.json bun.lock ./
RUN bun install --frozen-lockfile --production

COPY tsconfig.json ./
COPY drizzle ./drizzle
COPY src ./src

# The image's unprivileged user; the app only reads its files.
USER bun
EXPOSE 8000
# `serve` applies pending migrations, then listens on HOST:PORT (0.0.0.0:8000 by default).
CMD ["bun", "src/index.ts", "serve"]
