#!/bin/sh
# Instructions per call of one case (see work.mjs), counted by callgrind: the difference between
# runs of 900 and 300 calls, divided by 600 (warm-up, start-up and shut-down cancel out). Needs
# valgrind and a built checkout. `--initial-old-space-size` keeps full GCs out of both windows.
#   bench/callgrind/instructions.sh <checkout> <raw|bare|full|nocache|without-<i>|route-stream|route-stream-nocache>
set -e
here=$(cd "$(dirname "$0")" && pwd)
dir=$(cd "$1" && pwd)
node="$dir/node_modules/node/bin/node"
out=$(mktemp -d)
"$node" "$here/mock.ts" > "$out/url" &
mock=$!
trap 'kill $mock 2>/dev/null; rm -rf "$out"' EXIT
for _ in $(seq 100); do [ -s "$out/url" ] && break; sleep 0.2; done
for n in 300 900; do
  valgrind --tool=callgrind --callgrind-out-file="$out/$n.cg" "$node" --predictable --initial-old-space-size=1024 "$here/work.mjs" "$dir" "$2" "$n" "$(cat "$out/url")" > /dev/null 2>&1
done
a=$(grep -m1 '^summary:\|^totals:' "$out/300.cg" | awk '{print $2}')
b=$(grep -m1 '^summary:\|^totals:' "$out/900.cg" | awk '{print $2}')
echo "$2: $(( (b - a) / 600 )) instructions per call"
