#!/usr/bin/env bash
# Runs mdatagen on one component folder. mdatagen names the package of the tests it generates
# after the folder, so a folder whose name differs from its Go package (the repository root,
# whatever the checkout is called) is run through a link named after the package.
set -euo pipefail
dir=$(cd "${1:?usage: mdatagen.sh COMPONENT_DIR}" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
pkg=$(cd "$dir" && go list -f '{{.Name}}' .)
mdatagen=(go tool -modfile="$root/internal/tools/go.mod" mdatagen)
if [ "$(basename "$dir")" = "$pkg" ]; then
  cd "$dir"
  exec "${mdatagen[@]}" metadata.yaml
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ln -s "$dir" "$tmp/$pkg"
cd "$tmp/$pkg"
"${mdatagen[@]}" "$tmp/$pkg/metadata.yaml"
