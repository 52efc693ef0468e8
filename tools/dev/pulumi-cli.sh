#!/usr/bin/env bash
# Prints, as one line on stdout, a folder holding the Pulumi CLI (`pulumi`) and its language hosts
# at the version this repository's SDK is pinned to (tools/dev/pulumi-cli/go.mod, which a test
# keeps equal to the lockfile's @pulumi/pulumi). Progress goes to stderr. Use it as
#     PATH="$(bash tools/dev/pulumi-cli.sh):$PATH" pulumi version
#
# 1. The user's own installation: `pulumi` on PATH that reports exactly that version.
# 2. Otherwise a build from the Go module proxy into a cache outside the repository,
#    ${XDG_CACHE_HOME:-$HOME/.cache}/grafana-athena/pulumi-<version>/bin, made once per machine
#    (and again only when the wrapper module's go.mod/go.sum or this recipe change).
#
# What the build gives and why (checked against the proxy and github.com/pulumi/pulumi):
# - `pulumi`: package github.com/pulumi/pulumi/pkg/v3/cmd/pulumi. pkg/v3's go.mod replaces sdk/v3
#   with `../sdk`, so `go install ...@version` refuses it; the wrapper module beside this script
#   requires pkg/v3 and sdk/v3 at one release and repeats pkg/v3's clipboard replace. The version
#   string is set the way the release build sets it (`-X .../sdk/v3/go/common/version.Version`).
# - `pulumi-language-yaml`: github.com/pulumi/pulumi-yaml, from the module pulumi-cli/yaml/ (it is
#   built against an older pkg/v3 than the CLI's and does not compile against the CLI's; its own
#   version variable is pkg/version.Version, as in its .goreleaser.yml).
# - `pulumi-resource-pulumi-nodejs`: the dynamic provider's launcher, a script shipped in sdk/v3's
#   nodejs/dist and in the release archives; it runs @pulumi/pulumi's cmd/dynamic-provider.
# - The Node.js and Python language hosts live in their own modules
#   (github.com/pulumi/pulumi/sdk/{nodejs,python}/cmd/pulumi-language-{nodejs,python}/v3, untagged)
#   that the module proxy these machines reach does not serve at any version ("403 Forbidden:
#   This module version is not available"), so they come only from a Pulumi installation
#   (`pulumi-language-nodejs` on PATH). Without it the CLI still runs YAML programs, Node.js
#   programs given to it by the Automation API as inline programs (`--client`: the language
#   runtime is served by @pulumi/pulumi's automation/server.js in the calling process) and dynamic
#   providers; it cannot start a Node.js program or component provider by itself.
#
# Options: --build ignores a matching `pulumi` on PATH (to measure or test the build).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
module="$here/pulumi-cli"
log() { printf 'pulumi-cli: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

use_path=1
for arg in "$@"; do
    case "$arg" in
        --build) use_path=0 ;;
        *) die "unknown argument \"$arg\" (the only option is --build)" ;;
    esac
done

# The version a go.mod requires of a module: `require M V` or a line `M V` of a require block.
modversion() { awk -v m="$2" '$1 == "require" { $1 = "" ; $0 = $0 } $1 == m { print $2; exit }' "$1"; }
version=$(modversion "$module/go.mod" github.com/pulumi/pulumi/pkg/v3)
yaml_version=$(modversion "$module/yaml/go.mod" github.com/pulumi/pulumi-yaml)
[ -n "$version" ] && [ -n "$yaml_version" ] || die "$module's go.mod files name no pkg/v3 or pulumi-yaml version"

hosts_note() {
    local dir=$1 lang
    for lang in nodejs python; do
        if [ ! -x "$dir/pulumi-language-$lang" ] && ! command -v "pulumi-language-$lang" >/dev/null; then
            log "no pulumi-language-$lang here or on PATH: the Go module proxy does not serve its module;" \
                "$lang programs need a Pulumi installation's host on PATH"
        fi
    done
}

# 1. The user's own installation, when it is exactly this version.
if [ "$use_path" = 1 ] && found=$(command -v pulumi); then
    found_version=$(pulumi version 2>/dev/null || true)
    if [ "$found_version" = "$version" ]; then
        dir=$(dirname "$found")
        log "using the installed pulumi $version at $found"
        hosts_note "$dir"
        printf '%s\n' "$dir"
        exit 0
    fi
    log "the installed pulumi at $found is ${found_version:-of unknown version}, not $version: using a build"
fi

# 2. The build, cached per machine. The stamp names what the binaries were built from, so a change
# of the pins or of this recipe builds again, and a half-written folder is never taken as done.
command -v go >/dev/null || die "go is not on PATH: install Go (see $module/go.mod) or Pulumi $version"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/grafana-athena/pulumi-${version#v}"
bin="$cache/bin"
recipe="$(cat "$module/go.mod" "$module/go.sum" "$module/yaml/go.mod" "$module/yaml/go.sum"
    sed -n '/^# build recipe/,$p' "$0")"
# sha256sum on Linux; macOS has shasum instead.
if command -v sha256sum >/dev/null; then sha() { sha256sum; }; else sha() { shasum -a 256; }; fi
stamp=$(printf '%s' "$recipe" | sha | cut -d' ' -f1)
if [ "$(cat "$bin/.stamp" 2>/dev/null)" = "$stamp" ]; then
    hosts_note "$bin"
    printf '%s\n' "$bin"
    exit 0
fi

mkdir -p "$cache"
# One build at a time per machine; a second caller waits, then finds the stamp.
exec 9>"$cache/.lock"
if command -v flock >/dev/null; then flock 9; fi
if [ "$(cat "$bin/.stamp" 2>/dev/null)" = "$stamp" ]; then
    printf '%s\n' "$bin"
    exit 0
fi

# build recipe (a change below this line builds again)
log "building pulumi $version and pulumi-language-yaml $yaml_version into $bin (once per machine;" \
    "15-40 minutes on two cores)"
start=$(date +%s)
tmp=$(mktemp -d "$cache/.build.XXXXXX")
chmod 0755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
cd "$module"
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=readonly -trimpath"
go build -o "$tmp/pulumi" \
    -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
sdk=$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)
(cd yaml && go build -o "$tmp/pulumi-language-yaml" \
    -ldflags "-X github.com/pulumi/pulumi-yaml/pkg/version.Version=$yaml_version" \
    github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml)
install -m 0755 "$sdk/nodejs/dist/pulumi-resource-pulumi-nodejs" "$tmp/"
built=$("$tmp/pulumi" version)
[ "$built" = "$version" ] || die "the built pulumi reports $built, not $version"
printf '%s\n' "$stamp" >"$tmp/.stamp"
rm -rf "$bin"
mv "$tmp" "$bin"
trap - EXIT
log "built in $(($(date +%s) - start)) s"
hosts_note "$bin"
printf '%s\n' "$bin"
