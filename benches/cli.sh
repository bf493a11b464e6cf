#!/usr/bin/env bash
# The whole-program figures `cargo bench` cannot take: `nlread export` wall
# time, start-up to the first frame in a real terminal (tmux), and the fzf
# reference for the filter. Run from the repository root:
#
#     benches/cli.sh            # everything
#     benches/cli.sh export     # or: startup, fzf
#
# Needs hyperfine, tmux and fzf (apt-get install -y hyperfine tmux fzf).
# Uses the library `cargo bench` generates (target/tmp/lib10k-seed42); run
# `cargo bench --bench titles` first (it generates the library if needed and
# writes the titles file fzf reads). Results go to target/tmp/cli-bench/.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
lib=${NLREAD_BENCH_LIBRARY:-$root/target/tmp/lib10k-seed42}
titles=$root/target/tmp/lib10k-seed42-titles.txt
out=$root/target/tmp/cli-bench
bin=$root/target/release/nlread
runs=${RUNS:-10}
what=${1:-all}

mkdir -p "$out"
if [ ! -f "$lib/.complete" ]; then
    echo "no library at $lib: run 'cargo bench --bench titles' first" >&2
    exit 1
fi
(cd "$root" && cargo build --release --quiet --bin nlread)

# nlread's own caches and config go to a folder of ours, so "cold" means
# cold and the user's real cache is never touched.
cache=$out/xdg-cache
export XDG_CACHE_HOME=$cache XDG_DATA_HOME=$out/xdg-data XDG_CONFIG_HOME=$out/xdg-config

if [ "$what" = all ] || [ "$what" = export ]; then
    echo "== nlread export (10k library), nlread's cache cold then warm"
    hyperfine --warmup 1 --runs "$runs" --style basic --export-json "$out/export.json" \
        --command-name export-cold --prepare "rm -rf '$cache'" "'$bin' export '$lib' > /dev/null" \
        --command-name export-warm --prepare true "'$bin' export '$lib' > /dev/null"
fi

# From launching `$@` in a fresh 120x35 tmux window, polling capture-pane:
# milliseconds until the screen first shows "$1" (the first frame: the status
# line's key hints) and until it shows "$2" (the library is on screen: the
# status line's "N issues from DIR", where a reader that opens before loading
# shows "Loading…"). The same loop on a program that prints both at once gives
# the harness's own overhead.
socket=nlread-bench-$$
tmux_() { tmux -L "$socket" -f /dev/null "$@"; }
cleanup() { tmux_ kill-server 2> /dev/null || true; }
trap cleanup EXIT

launch_ms() {
    local first=$1 ready=$2
    shift 2
    local start now screen first_ms=""
    start=$(date +%s%N)
    # A server of our own per launch (a new socket each time: one still
    # shutting down must not swallow the next launch).
    socket=nlread-bench-$$-$start
    tmux_ new-session -d -s s -x 120 -y 35 "$@"
    while true; do
        screen=$(tmux_ capture-pane -p -t s 2> /dev/null || true)
        now=$(date +%s%N)
        if [ -z "$first_ms" ] && grep -qF -- "$first" <<< "$screen"; then
            first_ms=$(((now - start) / 1000000))
        fi
        if [ -n "$first_ms" ] && grep -qF -- "$ready" <<< "$screen"; then
            break
        fi
        if (((now - start) / 1000000 > 20000)); then
            echo "timeout waiting for '$first' / '$ready'; the screen:" >&2
            echo "$screen" >&2
            break
        fi
    done
    tmux_ kill-server 2> /dev/null || true
    rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$socket"
    echo "${first_ms:-timeout} $(((now - start) / 1000000))"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

if [ "$what" = all ] || [ "$what" = startup ]; then
    first="q quit"
    ready="issues from"
    echo "== start-up (120x35 tmux, ms, $runs runs each): first frame / library on screen"
    for case in harness cold warm; do
        firsts=()
        readies=()
        for _ in $(seq "$runs"); do
            case $case in
                harness) t=$(launch_ms "$first" "$ready" "printf '%s %s' '$first' '$ready'; sleep 30") ;;
                cold)
                    rm -rf "$cache"
                    t=$(launch_ms "$first" "$ready" "'$bin' '$lib'")
                    ;;
                warm) t=$(launch_ms "$first" "$ready" "'$bin' '$lib'") ;;
            esac
            firsts+=("${t% *}")
            readies+=("${t#* }")
        done
        printf '%s\n' "${firsts[@]}" > "$out/startup-$case-first.txt"
        printf '%s\n' "${readies[@]}" > "$out/startup-$case-ready.txt"
        echo "startup $case: first frame median $(printf '%s\n' "${firsts[@]}" | median) ms (${firsts[*]});" \
            "library on screen median $(printf '%s\n' "${readies[@]}" | median) ms (${readies[*]})"
    done
fi

if [ "$what" = all ] || [ "$what" = fzf ]; then
    if [ ! -f "$titles" ]; then
        echo "no titles at $titles: run 'cargo bench --bench titles' first" >&2
        exit 1
    fi
    echo "== reference: fzf --filter on $(wc -l < "$titles") story titles"
    args=()
    for q in t te ten tenc tence tencen tencent zzqx "tencent chips" shenzhen; do
        args+=(--command-name "fzf '$q'" "fzf --filter '$q' < '$titles' > /dev/null")
    done
    # fzf exits 1 when nothing matches: -i keeps hyperfine from treating that as failure.
    hyperfine -i --warmup 2 --runs "$runs" --style basic --export-json "$out/fzf.json" "${args[@]}"
fi
