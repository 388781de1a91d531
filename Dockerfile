# Letdown: a static binary in an otherwise empty image, run as a non-root user.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# timetzdata embeds the IANA zone database: the final image has no /usr/share/zoneinfo.
RUN CGO_ENABLED=0 go build -trimpath -tags timetzdata -ldflags="-s -w" -o /out/letdown ./cmd/letdown

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/letdown /letdown
USER 65532:65532
EXPOSE 8080 9090
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s CMD ["/letdown", "healthcheck"]
ENTRYPOINT ["/letdown"]
CMD ["serve"]
