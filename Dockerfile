# Saddle for a class: `docker build -t saddle .` then
# `docker run -p 8080:8080 saddle` (README: "Hosting a class").
#
# Stage 1 builds a static binary (no cgo); stage 2 is a distroless image
# with that binary alone, run as a non-root user. The templ output is
# committed, so the build needs no generate step. Linted by
# cmd/server/dockerfile_test.go.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags="-s -w" -o /out/saddle ./cmd/server

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/saddle /saddle
# distroless's nonroot user, by number so that runAsNonRoot can check it.
USER 65532:65532
ENV SADDLE_ADDR=:8080
EXPOSE 8080
# No curl in the image: the binary checks its own /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=5s --retries=3 CMD ["/saddle", "healthcheck"]
ENTRYPOINT ["/saddle"]
