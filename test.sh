#!/bin/sh
# Builds supd twice (plain, and with AddressSanitizer + UndefinedBehavior-
# Sanitizer) and runs the whole suite: unit tests on both builds, every
# black-box test against the sanitizer build, the tests that measure the
# daemon's memory (valgrind, RSS) against the plain build, and the
# libFuzzer targets alongside (fuzz/run.sh, a minute each).
# Installs missing Debian packages first.
# Usage: ./test.sh [--supervisord] [pytest args]
#   --supervisord  also run every black-box test against Debian's
#                  supervisord 4.2.5: it checks the tests themselves
#                  (what they expect is what Supervisor does); ~9 min more.
# Longer runs by hand: SUPD_FUZZ_SECONDS=600, SUPD_SOAK=1.
set -eu
cd "$(dirname "$0")"
oracle=0
if [ "${1:-}" = --supervisord ]; then
	oracle=1
	shift
fi
scripts/deps.sh test

[ -d build ] || meson setup build >/dev/null
[ -d build-asan ] || meson setup build-asan -Db_sanitize=address,undefined \
    -Db_lundef=false -Dbuildtype=debug >/dev/null
ninja -C build
ninja -C build-asan
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
meson test -C build --suite unit --print-errorlogs
meson test -C build-asan --suite unit --print-errorlogs

# The fuzz targets run one after another in the background (a minute each,
# SUPD_FUZZ_SECONDS); any crash found fails the suite at the end.
# They run in a process group of their own, so that a red test run, or a
# Ctrl-C, stops them instead of leaving them fuzzing.
fuzzlog=$(mktemp)
setsid -w fuzz/run.sh >"$fuzzlog" 2>&1 &
fuzzpid=$!
stop_fuzz() {
	kill -- -"$fuzzpid" 2>/dev/null || :
	rm -f "$fuzzlog"
}
trap stop_fuzz EXIT
trap 'exit 130' INT TERM

# Black-box tests run in parallel workers (each test has its own daemon in
# its own directory); most of their time is spent waiting on children.
py=/usr/bin/python3
pytest="$py -m pytest -q -p no:cacheprovider --timeout=300"
SUPD_BUILD=build-asan $pytest -n 4 tests/func --daemon=supd "$@"
$pytest -n 2 -m memory tests/func --daemon=supd "$@"
if [ $oracle -eq 1 ]; then
	$pytest -n 8 tests/func --daemon=supervisord "$@"
fi

fuzzrc=0
wait $fuzzpid || fuzzrc=$?
cat "$fuzzlog"
[ $fuzzrc -eq 0 ]
echo "all tests passed"
