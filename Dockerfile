# Build stage: compile the single executable with the official Bun image.
FROM oven/bun:1.4 AS build
WORKDIR /src
COPY package.json bun.lock ./
RUN bun install --frozen-lockfile
COPY tsconfig.json ./
COPY drizzle ./drizzle
COPY public ./public
COPY scripts ./scripts
COPY src ./src
RUN bun run build && mkdir -p /empty-data

# Runtime stage: the binary alone on a small glibc image, as a non-root user, no shell.
FROM gcr.io/distroless/cc-debian12:nonroot
WORKDIR /app
COPY --from=build /src/dist/otp-auth /app/otp-auth
COPY --from=build --chown=nonroot:nonroot /empty-data /data
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    DATA_DIR=/data
USER nonroot
EXPOSE 8000
VOLUME ["/data"]
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=5 CMD ["/app/otp-auth", "healthcheck"]
# `serve` applies pending migrations, then listens on HOST:PORT. NODE_ENV=production needs SECRET_KEY
# (32+ characters), SMTP_SERVER and FROM_EMAIL; DATABASE_URL and REDIS_URL are needed to run more than one.
ENTRYPOINT ["/app/otp-auth"]
CMD ["serve"]
