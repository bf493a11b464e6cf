#!/usr/bin/env bash
# The library index at scale (issue 13; BENCHMARKS.md "The library
# database"): first index, reader start-up and memory, `nlread search`
# against ripgrep, a new file found, export, and (examples/db_bench) the
# filter per keystroke and 110k marks.
#
#     benches/db.sh [LIB10K] [LIB40K]      # folders written by gen_library
#     cargo run --release --example gen_library -- --issues 40000 /tmp/db-lib40k
#
# Needs hyperfine, tmux and ripgrep (apt-get install -y hyperfine tmux
# ripgrep). Each library gets a home of its own under target/tmp/db-bench
# (config naming the folder, data, cache), so the index is built there and
# the user's own is never touched. Prints the load average first: the
# machine is shared, compare medians.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
lib10=${1:-/tmp/db-lib10k}
lib40=${2:-/tmp/db-lib40k}
bin=$root/target/release/nlread
bench=$root/target/release/examples/db_bench
out=$root/target/tmp/db-bench
runs=${RUNS:-10}
what=${WHAT:-all}

(cd "$root" && cargo build --release --quiet --bin nlread --example db_bench)
mkdir -p "$out"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

home_for() {
    local home=$out/$1
    mkdir -p "$home/cfg/nlread" "$home/data" "$home/cache"
    printf '[library]\nfolders = ["%s"]\n' "$2" > "$home/cfg/nlread/config.toml"
    echo "$home"
}
in_home() {
    local home=$1
    shift
    env HOME="$home" XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/cfg" \
        XDG_CACHE_HOME="$home/cache" "$@"
}
h10=$(home_for h10 "$lib10")
h40=$(home_for h40 "$lib40")

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

if [ "$what" = all ] || [ "$what" = first ]; then
    for case in 10 40; do
        home=$out/h$case
        rm -rf "$home/data"
        mkdir -p "$home/data"
        echo "== first index, ${case}k issues (nlread list; wall time, peak RSS)"
        in_home "$home" /usr/bin/time -f "%e s wall, %U s user, %S s sys, %M KiB peak RSS" \
            "$bin" list > /dev/null
        ls -l "$home/data/nlread/nlread-index.db" | awk '{print "index file: " $5 " bytes"}'
    done
fi

if [ "$what" = all ] || [ "$what" = search ]; then
    for case in 10 40; do
        home=$out/h$case
        lib=$lib10
        [ "$case" = 40 ] && lib=$lib40
        in_home "$home" "$bin" search tencent > /dev/null 2>&1 || true
        echo "== ${case}k: nlread search (whole process) against rg -i -c over the folder"
        in_home "$home" hyperfine --warmup 2 --runs "$runs" --style basic -N \
            --export-json "$out/search-$case.json" \
            --command-name "nlread search tencent" "$bin search tencent" \
            --command-name "nlread search wednesday" "$bin search wednesday" \
            --command-name "nlread search ten" "$bin search ten" \
            --command-name "rg -i -c tencent" "rg -i -c tencent $lib" \
            --command-name "nlread list" "$bin list" 2>&1 | grep -v "^ *$" || true
    done
fi

if [ "$what" = all ] || [ "$what" = export ]; then
    echo "== 10k: nlread export, index warm"
    in_home "$h10" hyperfine --warmup 1 --runs "$runs" --style basic \
        --command-name export-warm "'$bin' export > /dev/null"
fi

if [ "$what" = all ] || [ "$what" = newfile ]; then
    echo "== 40k: one new file, then the next nlread search (ms, $runs runs)"
    times=()
    for i in $(seq "$runs"); do
        word=zephyr$RANDOM$i
        printf 'The Test Post\nJune 1, 2024\n\n# Winds\n\nThe %s breeze.\n' "$word" \
            > "$lib40/000/.new.tmp"
        mv "$lib40/000/.new.tmp" "$lib40/000/zz-new-$i.txt"
        # The folder is older than two seconds, as a fetch's would be.
        sleep 2.1
        start=$(date +%s%N)
        in_home "$h40" "$bin" search "$word" > /dev/null
        times+=($((($(date +%s%N) - start) / 1000000)))
        rm "$lib40/000/zz-new-$i.txt"
        in_home "$h40" "$bin" search tencent > /dev/null 2>&1
    done
    echo "new file found: median $(printf '%s\n' "${times[@]}" | median) ms (${times[*]})"
fi

socket=nlread-db-bench-$$
tmux_() { tmux -L "$socket" -f /dev/null "$@"; }
cleanup() { tmux_ kill-server 2> /dev/null || true; }
trap cleanup EXIT

# From launching the reader in a fresh 120x35 tmux window: ms until an
# issue row is on screen, ms until the whole library is ("issues from"),
# and the reader's peak RSS (VmHWM) then, in KiB.
launch() {
    local home=$1 start now screen first_ms="" pid hwm
    start=$(date +%s%N)
    socket=nlread-db-bench-$$-$start
    tmux_ new-session -d -s s -x 120 -y 35 \
        "env HOME='$home' XDG_DATA_HOME='$home/data' XDG_CONFIG_HOME='$home/cfg' XDG_CACHE_HOME='$home/cache' '$bin'"
    while true; do
        screen=$(tmux_ capture-pane -p -t s 2> /dev/null || true)
        now=$(date +%s%N)
        if [ -z "$first_ms" ] && grep -qE 'N  20[0-9]{2}-[0-9]{2}-[0-9]{2} ' <<< "$screen"; then
            first_ms=$(((now - start) / 1000000))
        fi
        if [ -n "$first_ms" ] && grep -qF "issues from" <<< "$screen"; then
            break
        fi
        if (((now - start) / 1000000 > 60000)); then
            echo "timeout; the screen:" >&2
            echo "$screen" >&2
            break
        fi
        sleep 0.005
    done
    pid=$(tmux_ display-message -p -t s '#{pane_pid}')
    sleep 1
    hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2> /dev/null || echo "?")
    tmux_ kill-server 2> /dev/null || true
    echo "${first_ms:-timeout} $(((now - start) / 1000000)) $hwm"
}

if [ "$what" = all ] || [ "$what" = reader ]; then
    for case in cold10 warm10 warm40; do
        firsts=()
        alls=()
        hwms=()
        n=$runs
        [ "$case" = cold10 ] && n=3
        for _ in $(seq "$n"); do
            case $case in
                cold10)
                    rm -rf "$h10/data"
                    mkdir -p "$h10/data"
                    r=$(launch "$h10")
                    ;;
                warm10) r=$(launch "$h10") ;;
                warm40) r=$(launch "$h40") ;;
            esac
            read -r f a m <<< "$r"
            firsts+=("$f")
            alls+=("$a")
            hwms+=("$m")
        done
        echo "reader $case: issues on screen median $(printf '%s\n' "${firsts[@]}" | median) ms (${firsts[*]});" \
            "whole library median $(printf '%s\n' "${alls[@]}" | median) ms (${alls[*]});" \
            "peak RSS median $(printf '%s\n' "${hwms[@]}" | median) KiB (${hwms[*]})"
    done
fi

if [ "$what" = upgrade ]; then
    # Not part of "all": it reads every file again (about a minute).
    echo "== 40k: the reader after an upgrade (every file read again by changed parsers)"
    hu=$(home_for h40u "$lib40")
    rm -rf "$hu/data"
    cp -r "$h40/data" "$hu/data"
    python3 -c "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute(\"UPDATE sources SET parser = 'an older nlread'\"); c.execute(\"UPDATE meta SET value = json_set(value, '\$.parser', 'an older nlread') WHERE key = 'walk'\"); c.commit()" \
        "$hu/data/nlread/nlread-index.db"
    read -r f a m <<< "$(launch "$hu")"
    echo "reader upgrade40: issues on screen $f ms; whole library $a ms; peak RSS $m KiB"
fi

if [ "$what" = all ] || [ "$what" = typing ]; then
    echo "== 40k: the reader's filter per keystroke, and 110k marks (examples/db_bench)"
    RUNS=$runs "$bench" "$h40/data/nlread/nlread-index.db" "$lib40" ten tencent wednesday
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
