#!/bin/sh
# Builds supd and runs the whole suite: unit tests, the black-box tests
# against supd and against Debian's supervisord 4.2.5, then unit and
# black-box tests again under AddressSanitizer + UndefinedBehaviorSanitizer,
# with the libFuzzer targets running alongside (fuzz/run.sh).
# Installs missing Debian packages first. Usage: ./test.sh [pytest args]
# Longer runs by hand: SUPD_FUZZ_SECONDS=600, SUPD_SOAK=1.
set -eu
cd "$(dirname "$0")"
scripts/deps.sh test

[ -d build ] || meson setup build >/dev/null
ninja -C build
meson test -C build --suite unit --print-errorlogs

# Black-box tests run in parallel workers (each test has its own daemon in
# its own directory); supervisord's tests mostly wait on its 1 s poll, so
# they take more workers than cores.
py=/usr/bin/python3
pytest="$py -m pytest -q -p no:cacheprovider --timeout=300"
$pytest -n 4 tests/func --daemon=supd "$@"

# The fuzz targets run one after another in the background, a minute each
# (SUPD_FUZZ_SECONDS; longer by hand), while supervisord's tests mostly
# wait on its poll. Any crash found fails the suite at the end.
fuzzlog=$(mktemp)
fuzz/run.sh >"$fuzzlog" 2>&1 &
fuzzpid=$!
$pytest -n 8 tests/func --daemon=supervisord "$@"

[ -d build-asan ] || meson setup build-asan -Db_sanitize=address,undefined \
    -Db_lundef=false -Dbuildtype=debug >/dev/null
ninja -C build-asan
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
meson test -C build-asan --suite unit --print-errorlogs
SUPD_BUILD=build-asan $pytest -n 4 tests/func --daemon=supd "$@"
fuzzrc=0
wait $fuzzpid || fuzzrc=$?
cat "$fuzzlog"
rm -f "$fuzzlog"
[ $fuzzrc -eq 0 ]
echo "all tests passed"
