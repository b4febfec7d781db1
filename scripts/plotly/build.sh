#!/usr/bin/env bash
# Rebuild static/vendor/plotly-portal-<version>.min.js: plotly.js's core (scatter) with the bar and
# heatmap traces only, the trace types the portal draws. From the npm registry, versions pinned.
# Not part of `make run` or CI: the built file is committed.
set -euo pipefail
PLOTLY=4.1.1
ESBUILD=0.25.12
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/entry.js" "$work/"
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund "plotly.js@$PLOTLY" "esbuild@$ESBUILD" >/dev/null
npx esbuild entry.js --bundle --minify --format=iife --global-name=Plotly --platform=browser \
  --target=es2017 --define:global=window --loader:.css=empty \
  --banner:js="/*! plotly.js v$PLOTLY (core + bar + heatmap) | (c) Plotly, Inc. | MIT license | built by scripts/plotly/build.sh */" \
  --outfile="$here/../../static/vendor/plotly-portal-$PLOTLY.min.js"
