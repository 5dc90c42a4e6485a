#!/usr/bin/env bash
# Builds the real-cluster test harness binaries from the Go module proxy:
#   kube-apiserver, kubectl (k8s.io/kubernetes, version pinned in go.mod),
#   etcd (go.etcd.io/etcd/server/v3 at the version k8s.io/kubernetes requires),
#   and our helpers: seed, faultproxy, exec-plugin.
# Also fetches the Gateway API standard CRDs (sigs.k8s.io/gateway-api module zip).
#
# Output: ${HOPSCOPE_CACHE:-$HOME/.cache/hopscope}/cluster/<k8s-version>/bin/
# Idempotent: when everything is built for the current sources it returns at once.
# The last line printed on stdout is the bin directory (progress goes to stderr).
#
# Environment:
#   HOPSCOPE_CACHE   cache root (default $HOME/.cache/hopscope)
#   BUILD_FORCE=1    rebuild everything
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
GATEWAY_API_VERSION=v1.4.1

die() { echo "build.sh: error: $*" >&2; exit 1; }
log() { echo "build.sh: $*" >&2; }

K8S_VERSION="$(awk '$1=="k8s.io/kubernetes" && $2 ~ /^v/ {print $2; exit} $1=="require" && $2=="k8s.io/kubernetes" {print $3; exit}' "$HERE/go.mod")"
[[ -n "$K8S_VERSION" ]] || die "cannot read the k8s.io/kubernetes version from $HERE/go.mod"
ETCD_VERSION="$(awk '$1=="go.etcd.io/etcd/server/v3" {print $2; exit}' "$HERE/go.mod")"

CACHE_ROOT="${HOPSCOPE_CACHE:-$HOME/.cache/hopscope}"
VDIR="$CACHE_ROOT/cluster/$K8S_VERSION"
BIN="$VDIR/bin"
CRD_DIR="$VDIR/crds/gateway-api-$GATEWAY_API_VERSION"

UPSTREAM=(kube-apiserver kubectl etcd)
HELPERS=(seed faultproxy exec-plugin)

# Stamps: what the binaries were built from. Cheap to compute (a few small files).
upstream_stamp() {
  { echo "$K8S_VERSION"; cat "$HERE/go.mod" "$HERE/go.sum"; } | sha256sum | cut -c1-64
}
helpers_stamp() {
  { cat "$HERE/go.mod" "$HERE/go.sum";
    find "$HERE/seed" "$HERE/faultproxy" "$HERE/exec-plugin" -type f -name '*.go' -print0 | sort -z | xargs -0 cat; } \
    | sha256sum | cut -c1-64
}

all_present() {
  local b
  for b in "${UPSTREAM[@]}" "${HELPERS[@]}"; do [[ -x "$BIN/$b" ]] || return 1; done
  [[ -f "$BIN/.upstream-stamp" && "$(cat "$BIN/.upstream-stamp")" == "$(upstream_stamp)" ]] || return 1
  [[ -f "$BIN/.helpers-stamp" && "$(cat "$BIN/.helpers-stamp")" == "$(helpers_stamp)" ]] || return 1
  [[ -f "$CRD_DIR/.complete" ]] || return 1
}

if [[ "${BUILD_FORCE:-0}" != 1 ]] && all_present; then
  log "up to date (Kubernetes $K8S_VERSION, etcd $ETCD_VERSION)"
  echo "$BIN"
  exit 0
fi

# ---- prerequisites -----------------------------------------------------------
command -v go >/dev/null || die "go is not installed (need Go >= 1.26)"
if ! command -v openssl >/dev/null; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    log "installing openssl with apt-get"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl) >&2 \
      || die "apt-get install openssl failed"
  else
    die "openssl is not installed (start.sh needs it); install it and retry"
  fi
fi
command -v flock >/dev/null || die "flock (util-linux) is required"

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false"
gover="$(go env GOVERSION)"
case "$gover" in
  go1.2[6-9]*|go1.[3-9][0-9]*) ;;
  *) die "Go $gover is too old: k8s.io/kubernetes $K8S_VERSION needs go1.26 or newer" ;;
esac

mkdir -p "$BIN"
exec 9>"$VDIR/.build.lock"
if ! flock -n 9; then
  log "another build is running; waiting for its lock ($VDIR/.build.lock)"
  flock 9
  if [[ "${BUILD_FORCE:-0}" != 1 ]] && all_present; then echo "$BIN"; exit 0; fi
fi

TMP="$(mktemp -d "$VDIR/tmp-build.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

start_all=$SECONDS
cd "$HERE"

# ---- upstream binaries (slow: ~30+ min cold on 2 cores) ------------------------
if [[ "${BUILD_FORCE:-0}" == 1 ]] || ! [[ -x "$BIN/kube-apiserver" && -x "$BIN/kubectl" && -x "$BIN/etcd" \
      && -f "$BIN/.upstream-stamp" && "$(cat "$BIN/.upstream-stamp")" == "$(upstream_stamp)" ]]; then
  minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"
  now="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  vpkg=k8s.io/component-base/version
  ldk8s="-s -w -X $vpkg.gitVersion=$K8S_VERSION -X $vpkg.gitMajor=1 -X $vpkg.gitMinor=$minor"
  ldk8s="$ldk8s -X $vpkg.gitTreeState=clean -X $vpkg.buildDate=$now"
  ldk8s="$ldk8s -X k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=$minor"
  log "building kube-apiserver and kubectl $K8S_VERSION (this takes a long time cold)"
  t0=$SECONDS
  go build -trimpath -ldflags "$ldk8s" -o "$TMP/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl \
    || die "go build of kube-apiserver/kubectl failed"
  log "building etcd $ETCD_VERSION"
  go build -trimpath -ldflags "-s -w" -o "$TMP/etcd" go.etcd.io/etcd/server/v3 \
    || die "go build of etcd failed"
  for b in "${UPSTREAM[@]}"; do mv -f "$TMP/$b" "$BIN/$b"; done
  upstream_stamp > "$BIN/.upstream-stamp"
  log "upstream binaries built in $((SECONDS - t0)) s"
fi

# ---- helpers (seconds once the Go build cache is warm) -------------------------
if [[ "${BUILD_FORCE:-0}" == 1 ]] || ! [[ -x "$BIN/seed" && -x "$BIN/faultproxy" && -x "$BIN/exec-plugin" \
      && -f "$BIN/.helpers-stamp" && "$(cat "$BIN/.helpers-stamp")" == "$(helpers_stamp)" ]]; then
  log "building helpers: ${HELPERS[*]}"
  t0=$SECONDS
  go build -trimpath -ldflags "-s -w" -o "$TMP/" ./seed ./faultproxy ./exec-plugin \
    || die "go build of the helpers failed"
  for b in "${HELPERS[@]}"; do mv -f "$TMP/$b" "$BIN/$b"; done
  helpers_stamp > "$BIN/.helpers-stamp"
  log "helpers built in $((SECONDS - t0)) s"
fi

# ---- Gateway API standard CRDs (not committed; taken from the module zip) -----
if [[ ! -f "$CRD_DIR/.complete" ]]; then
  log "fetching sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION CRDs from the module proxy"
  moddir="$(cd / && GOFLAGS='' go mod download -json "sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION" \
            | awk -F'"' '$2=="Dir" {print $4}')"
  [[ -n "$moddir" && -d "$moddir/config/crd/standard" ]] \
    || die "could not find config/crd/standard in sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION"
  rm -rf "$CRD_DIR"; mkdir -p "$CRD_DIR"
  cp "$moddir"/config/crd/standard/*.yaml "$CRD_DIR/"
  chmod u+w "$CRD_DIR"/*.yaml
  touch "$CRD_DIR/.complete"
fi

cat > "$VDIR/versions.env" <<EOF
K8S_VERSION=$K8S_VERSION
ETCD_VERSION=$ETCD_VERSION
GATEWAY_API_VERSION=$GATEWAY_API_VERSION
GATEWAY_API_CRDS=$CRD_DIR
EOF
log "done in $((SECONDS - start_all)) s; binaries in $BIN"
echo "$BIN"
