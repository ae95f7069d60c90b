#!/bin/sh
# Builds the libFuzzer targets (clang, ASan + UBSan) in build-fuzz and runs
# each one in turn for SUPD_FUZZ_SECONDS (60 by default) from its seeds in
# fuzz/corpus/<name>/ with its dictionary. What a run finds that is new is
# kept in fuzz/corpus-<name>/ (not committed), so runs by hand build on
# each other. A crash, leak, sanitizer report or hang fails the run and
# leaves the input in build-fuzz/artifacts/. SUPD_FUZZ_SECONDS=0 only runs
# the seeds, as a regression test.
# Usage: fuzz/run.sh [target...]    (default: every target)
set -eu
cd "$(dirname "$0")/.."
seconds=${SUPD_FUZZ_SECONDS:-60}

if [ ! -d build-fuzz ]; then
	CC=clang meson setup build-fuzz -Dfuzz=true -Dtests=disabled \
	    -Db_sanitize=address,undefined -Db_lundef=false \
	    -Dbuildtype=debug >/dev/null
fi
ninja -C build-fuzz >/dev/null

targets=${*:-$(cd fuzz && ls fuzz-*.c | sed 's/^fuzz-//; s/\.c$//')}
mkdir -p build-fuzz/artifacts
export ASAN_OPTIONS=detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
for t in $targets; do
	work=fuzz/corpus-$t
	mkdir -p "$work"
	dict=
	[ -f fuzz/$t.dict ] && dict=-dict=fuzz/$t.dict
	log=build-fuzz/artifacts/$t.log
	# Requests span several reads; the others need little room.
	maxlen=4096
	[ "$t" = http ] && maxlen=16384
	# -max_total_time=0 would mean no limit: run the seeds once instead.
	limit=-max_total_time=$seconds
	[ "$seconds" -gt 0 ] || limit=-runs=0
	if build-fuzz/fuzz/fuzz-$t $dict $limit \
	    -max_len=$maxlen -timeout=10 -print_final_stats=1 \
	    -artifact_prefix=build-fuzz/artifacts/$t- \
	    "$work" fuzz/corpus/$t >"$log" 2>&1; then
		echo "fuzz-$t: $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" |
		    grep -o '[0-9]*$') inputs in ${seconds}s, no crash"
	else
		echo "fuzz-$t: FAILED, see $log:" >&2
		grep -A 20 'ERROR\|runtime error\|deadly signal\|Test unit written' \
		    "$log" | head -40 >&2
		status=1
	fi
done
exit $status
