#!/usr/bin/env bash
# Runs mdatagen on one component folder. mdatagen names the package of the tests it generates
# after the folder, so it is run through a link whose name is the Go package's name; that keeps
# the output the same whatever the checkout folder is called.
set -euo pipefail
dir=$(cd "${1:?usage: mdatagen.sh COMPONENT_DIR}" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
pkg=$(cd "$dir" && go list -f '{{.Name}}' .)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ln -s "$dir" "$tmp/$pkg"
cd "$tmp/$pkg"
go tool -modfile="$root/internal/tools/go.mod" mdatagen "$tmp/$pkg/metadata.yaml"
