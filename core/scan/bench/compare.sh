#!/usr/bin/env bash
# Compares Ticketbook's barcode reader with zbarimg (zbar-tools) and
# ZXingReader (zxing-cpp-tools) on the generated corpus: share of images
# read exactly (every expected text, nothing else), wrong reads (reported
# texts that are not expected), median wall time per image and per 12 MP
# photo. Every reader is timed the same way: one process per image, so
# process start-up (a few ms) is included for all of them.
#
# A second table covers randomised stress cases (random angle, module size
# and mix of degradations, some beyond any reader): rates, not pass/fail.
#
# Usage: core/scan/bench/compare.sh [-v] [-no-huge] [-stress N] [-keep DIR]
set -euo pipefail
cd "$(dirname "$0")/../../.."   # module root

verbose=""; huge=true; keep=""; stress=100
while [ $# -gt 0 ]; do
  case "$1" in
    -v) verbose="-v" ;;
    -no-huge) huge=false ;;
    -keep) keep="$2"; shift ;;
    -stress) stress="$2"; shift ;;
    *) echo "usage: $0 [-v] [-no-huge] [-stress N] [-keep DIR]" >&2; exit 2 ;;
  esac
  shift
done

# Install the other readers only when missing (Debian packages).
need=()
dpkg -s zbar-tools >/dev/null 2>&1 || need+=(zbar-tools)
dpkg -s zxing-cpp-tools >/dev/null 2>&1 || need+=(zxing-cpp-tools)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}") >/dev/null 2>&1 \
      || echo "compare.sh: could not install ${need[*]}; comparing without them" >&2
  else
    echo "compare.sh: ${need[*]} missing and not root; comparing without them" >&2
  fi
fi

work=${keep:-$(mktemp -d)}
[ -n "$keep" ] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin"
go build -o "$work/bin/tbscan" ./core/scan/bench/tbscan
go build -o "$work/bin/gencorpus" ./core/scan/bench/gencorpus
go build -o "$work/bin/score" ./core/scan/bench/score

now_us() { echo $(( $(date +%s%N) / 1000 )); }

# run_reader NAME CMD...: runs CMD FILE for every image, one process each.
run_reader() {
  local name=$1; shift
  mkdir -p "$results/$name"
  : > "$results/$name.tsv"
  for f in $files; do
    local s e
    s=$(now_us)
    "$@" "$corpus/$f" > "$results/$name/$f.out" 2>/dev/null || true
    e=$(now_us)
    printf '%s\t%s\n' "$f" "$((e - s))" >> "$results/$name.tsv"
  done
}

# compare SET GENCORPUS-FLAGS...: generates one set and runs every reader on it.
compare() {
  local set=$1; shift
  corpus=$work/$set/corpus; results=$work/$set/results
  mkdir -p "$corpus" "$results"
  echo "generating the $set set in $corpus ..." >&2
  "$work/bin/gencorpus" -dir "$corpus" "$@" >&2
  files=$(cd "$corpus" && ls | grep -v '^manifest.json$')
  readers=(ticketbook)
  echo "running ticketbook ..." >&2
  run_reader ticketbook "$work/bin/tbscan"
  if command -v zbarimg >/dev/null; then
    echo "running zbarimg ..." >&2
    readers+=(zbarimg)
    # the same four symbologies Ticketbook reads
    run_reader zbarimg zbarimg -q --raw -Sdisable -Sqrcode.enable -Scode39.enable -Scode128.enable -Si25.enable
  fi
  if command -v ZXingReader >/dev/null; then
    echo "running ZXingReader ..." >&2
    readers+=(zxing-cpp)
    run_reader zxing-cpp ZXingReader -1 -format QRCode,Code39,Code128,ITF
  fi
  echo
  echo "== $set set: $(echo "$files" | wc -w) images ($(echo "$files" | grep -c '^12mp' || true) of 12 MP, $(echo "$files" | grep -c '^48mp' || true) of 48 MP); $(nproc) cores"
  "$work/bin/score" -manifest "$corpus/manifest.json" -results "$results" $verbose "${readers[@]}"
}

compare corpus -huge="$huge"
if [ "$stress" -gt 0 ]; then
  compare stress -small=false -large=false -huge=false -stress "$stress" -seed 7
fi
