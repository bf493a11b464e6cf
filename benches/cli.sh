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

# Milliseconds from launching `$@` in a fresh 120x35 tmux window until the
# screen shows "$marker", polling capture-pane. The same loop on a program that
# prints the marker at once gives the harness's own overhead.
# A tmux server of our own per launch (a new socket each time: a server that
# is still shutting down must not swallow the next launch).
socket=nlread-bench-$$
tmux_() { tmux -L "$socket" -f /dev/null "$@"; }
cleanup() { tmux_ kill-server 2> /dev/null || true; }
trap cleanup EXIT

first_frame_ms() {
    local marker=$1
    shift
    local start now
    start=$(date +%s%N)
    socket=nlread-bench-$$-$start
    tmux_ new-session -d -s s -x 120 -y 35 "$@"
    while true; do
        if tmux_ capture-pane -p -t s 2> /dev/null | grep -qF -- "$marker"; then
            break
        fi
        now=$(date +%s%N)
        if (((now - start) / 1000000 > 20000)); then
            echo "timeout waiting for '$marker'" >&2
            tmux_ capture-pane -p -t s >&2 || true
            break
        fi
    done
    now=$(date +%s%N)
    tmux_ kill-server 2> /dev/null || true
    rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$socket"
    echo $(((now - start) / 1000000))
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

if [ "$what" = all ] || [ "$what" = startup ]; then
    marker="q quit"
    echo "== start-up to first frame (120x35 tmux, ms; $runs runs each)"
    for case in harness cold warm; do
        times=()
        for _ in $(seq "$runs"); do
            case $case in
                harness) t=$(first_frame_ms "$marker" "printf '%s' '$marker'; sleep 30") ;;
                cold)
                    rm -rf "$cache"
                    t=$(first_frame_ms "$marker" "'$bin' '$lib'")
                    ;;
                warm) t=$(first_frame_ms "$marker" "'$bin' '$lib'") ;;
            esac
            times+=("$t")
        done
        printf '%s\n' "${times[@]}" > "$out/startup-$case.txt"
        echo "startup $case: median $(printf '%s\n' "${times[@]}" | median) ms; runs: ${times[*]}"
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
