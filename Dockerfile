# syntax=docker/dockerfile:1
# medborger: `docker compose up` builds this. The image holds only the binary
# (which carries the web client);
# configuration comes from the environment (see .env.sample).

# The web client, built first: the release binary embeds web/dist.
FROM node:20-bookworm AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
COPY web/ ./
COPY openapi/ /src/openapi/
RUN npm run build

FROM rust:1-bookworm AS builder
WORKDIR /src
COPY . .
COPY --from=web /src/web/dist /src/web/dist
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked \
    && cp target/release/medborger /usr/local/bin/medborger

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin medborger \
    && install -d -o medborger -g medborger -m 0700 /var/lib/medborger
COPY --from=builder /usr/local/bin/medborger /usr/local/bin/medborger
USER medborger
WORKDIR /var/lib/medborger
ENV MEDBORGER_BIND=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/medborger"]
CMD ["serve"]
