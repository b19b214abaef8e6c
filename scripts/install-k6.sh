#!/usr/bin/env bash
# Puts the pinned k6 at .tools/bin/k6. k6 is a Go program, not an npm package (../shared/DESIGN.md,
# Toolchain), so it is built from its Go module. The pin is K6_VERSION in load/node/k6-bin.ts, read
# from there so the harness and this script always agree on which k6 is the right one.
# Idempotent: a .tools/bin/k6 of the pinned version is kept; a k6 on PATH of that version is linked.
set -euo pipefail
cd "$(dirname "$0")/.."

K6_MODULE=go.k6.io/k6/v2
K6_VERSION=$(sed -n "s/^export const K6_VERSION = '\(v[^']*\)';.*/\1/p" load/node/k6-bin.ts)
TOOLS_BIN="$PWD/.tools/bin"
K6="$TOOLS_BIN/k6"
LOG="$PWD/.tools/k6-build.log"

if [[ -z "$K6_VERSION" ]]; then
  echo "install-k6: no \"export const K6_VERSION = 'vX.Y.Z';\" line in load/node/k6-bin.ts" >&2
  exit 1
fi

# The version a k6 binary reports ("k6 v2.2.0 (go1.26.8, linux/amd64)" -> "v2.2.0"), or nothing.
k6_version_of() {
  "$1" version 2>/dev/null | sed -n 's/^k6 \(v[0-9][^ ]*\).*/\1/p' | head -n 1
}

if [[ -x "$K6" && "$(k6_version_of "$K6")" == "$K6_VERSION" ]]; then
  echo "install-k6: k6 $K6_VERSION already at .tools/bin/k6"
  exit 0
fi

mkdir -p "$TOOLS_BIN"
# A stale binary, or a link to a k6 that has since changed version, goes: go install does not replace a link.
rm -f "$K6"

ON_PATH=$(command -v k6 || true)
if [[ -n "$ON_PATH" && "$(k6_version_of "$ON_PATH")" == "$K6_VERSION" ]]; then
  ln -s "$ON_PATH" "$K6"
  echo "install-k6: using k6 $K6_VERSION from PATH ($ON_PATH), linked at .tools/bin/k6"
  exit 0
fi

if ! command -v go >/dev/null; then
  echo "install-k6: building k6 $K6_VERSION needs Go 1.26 or later on PATH; install Go, or put k6 $K6_VERSION on PATH" >&2
  exit 1
fi

echo "install-k6: building k6 $K6_VERSION from $K6_MODULE into .tools/bin/k6 (about 6 minutes on 2 cores the first time; log: .tools/k6-build.log)"
start=$SECONDS
# Not `go install $K6_MODULE@$K6_VERSION`: that form also looks up the module's deprecation notice in
# the proxy's version list, which the module proxy here does not serve for go.k6.io/k6/v2 (404), and
# then fails. A throwaway module that requires the pinned version builds the same binary (minimal
# version selection picks k6's own dependency versions), with checksums verified as usual.
# CGO off: k6's own releases are built that way, and no C compiler is needed.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! (cd "$work" && go mod init k6-install && CGO_ENABLED=0 go get "$K6_MODULE@$K6_VERSION" && CGO_ENABLED=0 GOBIN="$TOOLS_BIN" go install "$K6_MODULE") >"$LOG" 2>&1; then
  echo "install-k6: building k6 $K6_VERSION failed; the last lines of .tools/k6-build.log:" >&2
  tail -n 5 "$LOG" >&2
  exit 1
fi

built=$(k6_version_of "$K6")
if [[ "$built" != "$K6_VERSION" ]]; then
  echo "install-k6: the k6 just built reports '${built:-no version}', expected $K6_VERSION" >&2
  exit 1
fi
echo "install-k6: k6 $K6_VERSION ready at .tools/bin/k6 (built in $((SECONDS - start)) s)"
