#!/bin/sh
# Installs the Debian packages supd needs, only those that are missing.
# Usage: scripts/deps.sh build|test|bench|bklog
set -eu

build="meson ninja-build pkg-config gcc libc6-dev libevent-dev libssl-dev libexpat1-dev libjansson-dev libedit-dev libhttp-parser-dev python3"
test="$build nginx gunicorn uwsgi-core uwsgi-plugin-python3 celery python3-celery python3-redis redis-server redis-tools etcd-client libcmocka-dev python3 python3-pytest python3-pytest-xdist python3-pytest-timeout supervisor clang libclang-rt-14-dev valgrind prometheus etcd-server openssl scdoc dpkg-dev debhelper fakeroot logrotate bash-completion chromium chromium-driver python3-selenium python3-yaml"
bench="$build supervisor python3 gnuplot-nox s6 runit"
# examples/bklog: the BK-LOG stack with the real components.
bklog="$build nginx gunicorn uwsgi-core uwsgi-plugin-python3 celery python3-celery python3-redis redis-server redis-tools etcd-server etcd-client prometheus"

case "${1:-build}" in
build) want=$build ;;
test) want=$test ;;
bench) want=$bench ;;
bklog) want=$bklog ;;
*) echo "usage: $0 build|test|bench|bklog" >&2; exit 2 ;;
esac

missing=
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
	    missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "installing:$missing" >&2
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# supervisor's package starts its own daemon where an init system runs;
# policy-rc.d keeps it from starting here.
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
	$sudo chmod +x /usr/sbin/policy-rc.d
	trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
fi
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
