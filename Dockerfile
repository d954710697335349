# syntax=docker/dockerfile:1
# Trafi in one container: the compiled `trafi` binary (server, CLI, migrations, docs assets, dashboard, reference
# storefront), non-root.

FROM oven/bun:1.4.5 AS build
WORKDIR /src
COPY package.json bun.lock bunfig.toml ./
RUN bun install --frozen-lockfile
COPY tsconfig.json ./
COPY src ./src
COPY migrations ./migrations
COPY web/dashboard ./web/dashboard
COPY web/storefront ./web/storefront
COPY web/shared ./web/shared
RUN bun run build

FROM debian:bookworm-slim AS runtime
# ca-certificates: outgoing HTTPS (payment providers, webhooks, Turso).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --create-home --home-dir /var/lib/trafi trafi \
 && mkdir -p /var/lib/trafi/data /var/lib/trafi/tmp \
 && chown -R trafi:trafi /var/lib/trafi
COPY --from=build /src/dist/trafi /usr/local/bin/trafi
USER trafi
WORKDIR /var/lib/trafi
# libSQL's native addon is unpacked to TMPDIR at start, so it must be writable by the trafi user.
ENV HOST=0.0.0.0 \
    PORT=3000 \
    TRAFI_DATA_DIR=/var/lib/trafi/data \
    TMPDIR=/var/lib/trafi/tmp
VOLUME ["/var/lib/trafi/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=3 CMD ["/usr/local/bin/trafi", "healthcheck"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/trafi"]
CMD ["serve"]
