# syntax=docker/dockerfile:1
# One image per service, built from this one file:
#   docker buildx build --build-arg APP=api --platform linux/amd64,linux/arm64 .
#
# The service is bundled (scripts/ci/build-service.ts — the same command the local smoke test
# runs) and shipped on the official distroless Bun image: no shell, no package manager, no
# node_modules. Layout of /app: main.js (ENTRYPOINT), migrate.js (the PreSync migration Job runs
# `bun /app/migrate.js`), apps/<app>/drizzle/ (SQL migrations). The container needs DATABASE_URL:
# PGlite's files are left out (build with --build-arg WITH_PGLITE=true for a self-contained demo
# image, then give it a writable TASKTIDE_DATA_DIR). No HEALTHCHECK: Kubernetes probes /healthz.
#
# Only the build stages run commands, always on the build machine's platform (bundling is
# architecture-independent), so arm64 images need no QEMU. Base images are pinned by digest and
# their Bun version equals package.json's packageManager (scripts/ci/dockerfile.test.ts checks
# both); Dependabot refreshes the digests.

# Manifests only, so the dependency layer below is rebuilt only when a package.json or bun.lock changes.
FROM --platform=$BUILDPLATFORM oven/bun:1.3.14@sha256:e10577f0db68676a7024391c6e5cb4b879ebd17188ab750cf10024a6d700e5c4 AS manifests
WORKDIR /src
COPY . .
RUN find . -type f ! -name package.json ! -name bun.lock ! -name bunfig.toml -delete \
 && find . -type d -empty -delete

FROM --platform=$BUILDPLATFORM oven/bun:1.3.14@sha256:e10577f0db68676a7024391c6e5cb4b879ebd17188ab750cf10024a6d700e5c4 AS deps
# The bundle hides which packages it holds from an image scan: let the SBOM scan this stage too.
ARG BUILDKIT_SBOM_SCAN_STAGE=true
WORKDIR /src
COPY --from=manifests /src/ ./
# Lifecycle scripts are not needed to bundle and are not trusted to run here.
RUN --mount=type=cache,target=/root/.bun/install/cache \
    bun install --frozen-lockfile --production --ignore-scripts

FROM deps AS build
ARG APP
ARG WITH_PGLITE=false
COPY . .
RUN test -n "$APP" || { echo 'set the service with --build-arg APP=<name> (a folder under apps/)' >&2; exit 1; } \
 && if [ "$WITH_PGLITE" = true ]; then pglite=--with-pglite; else pglite=; fi \
 && bun scripts/ci/build-service.ts --app "$APP" --out /out $pglite

FROM oven/bun:1.3.14-distroless@sha256:c28c51287af70bab8e0b66fc4b6a30cfb92a727ebc88045223adc9f4c9d09307 AS runtime
ARG APP
ARG REVISION=unknown
LABEL org.opencontainers.image.title="tasktide-${APP}" \
      org.opencontainers.image.description="tasktide ${APP} service" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="UNLICENSED"
WORKDIR /app
# Owned by root and read-only to the service: the pod runs with a read-only root filesystem.
COPY --from=build --chown=0:0 /out/ /app/
ENV NODE_ENV=production \
    PORT=3000 \
    SERVICE_VERSION=${REVISION}
# Distroless "nonroot"; the chart may run it as another non-root uid (files are world-readable).
USER 65532:65532
EXPOSE 3000
ENTRYPOINT ["/usr/local/bin/bun", "/app/main.js"]
