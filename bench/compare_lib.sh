# Shared by the before/after benchmarks (credential_process_latency.sh,
# run_vs_cli.sh, expand_vs_iam_expand.sh): the three measures each row of
# issue 19's table is given in. Instructions (valgrind's callgrind) and
# system calls (strace -c) do not move with the machine's load; wall-clock
# medians (hyperfine) do, so each is printed with the load average.
# Source it; it defines functions only.

# instructions COMMAND... -> instructions executed, dynamic loading included
# (children not followed: `run -- true`'s child is not Audex's cost).
instructions() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
    awk '/Collected :/ {print $NF}'
}

# syscalls COMMAND... -> "CALLS SYNCS": system calls made by the process
# (children not followed), and how many of them were fsync/fdatasync.
syscalls() {
  local out
  out=$(mktemp "${TMPDIR:-/tmp}/audex-strace.XXXXXX")
  strace -c -o "$out" "$@" >/dev/null 2>&1
  awk '$NF == "total" {total = $4}
       $NF == "fsync" || $NF == "fdatasync" {syncs += $4}
       END {printf "%d %d\n", total, syncs}' "$out"
  rm -f "$out"
}

# load -> the 1-minute load average (and the 5 and 15), for next to a wall-clock figure.
load() { cut -d' ' -f1-3 /proc/loadavg; }

# median_ms RUNS COMMAND_STRING -> hyperfine's median in ms (no shell, 3 warm-ups).
median_ms() {
  local runs=$1 out
  out=$(mktemp "${TMPDIR:-/tmp}/audex-hyperfine.XXXXXX")
  hyperfine -N --warmup 3 --runs "$runs" --export-json "$out" "$2" >/dev/null 2>&1
  python3 -c 'import json,sys; print("%.2f" % (json.load(open(sys.argv[1]))["results"][0]["median"] * 1000))' "$out"
  rm -f "$out"
}

# interleaved_ms RUNS NAME=COMMAND_STRING... -> "NAME median_ms" per line.
# Runs the commands in turn, RUNS rounds (after one warm-up round), so that
# a change in the machine's load falls on all of them alike; hyperfine runs
# each command's runs back to back, and on a shared machine one command
# then meets a busier minute than the other. Each run is a fork and exec
# from python (the same small cost for every command); commands are split
# on white space, no shell. Leading NAME=VALUE words set variables for that
# command, as a shell would, without the extra exec of env(1) (about 1 ms
# here, which the AWS CLI starting credential_process does not pay).
# `interleaved_ms [--min] RUNS NAME=COMMAND...` prints "NAME MEDIAN" a
# line (with --min: "NAME MEDIAN MIN").
interleaved_ms() {
  python3 - "$@" <<'PY'
import os, re, statistics, subprocess, sys, time
args = sys.argv[1:]
with_min = args[0] == "--min"
if with_min:
    args = args[1:]
runs = int(args[0])
cases = []
for arg in args[1:]:
    name, command = arg.split("=", 1)
    words, env = command.split(), dict(os.environ)
    while words and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", words[0]):
        key, value = words.pop(0).split("=", 1)
        env[key] = value
    cases.append((name, words, env))
times = {name: [] for name, _, _ in cases}
for round_ in range(runs + 1):
    for name, words, env in cases:
        start = time.perf_counter()
        subprocess.run(words, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if round_ > 0:
            times[name].append((time.perf_counter() - start) * 1000)
for name, _, _ in cases:
    extra = f" {min(times[name]):.2f}" if with_min else ""
    print(f"{name} {statistics.median(times[name]):.2f}{extra}")
PY
}
