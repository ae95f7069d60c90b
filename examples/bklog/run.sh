#!/bin/sh
# The BK-LOG stack under supd, started by one command:
#
#   examples/bklog/run.sh [-P dev|stag|prod]
#
# installs the Debian packages it needs (scripts/deps.sh bklog), builds supd
# if this checkout has no build yet, renders templates/ for the profile
# into $BKLOG_HOME (default /tmp/bklog) with supctl render, checks the
# result with supd check and runs supd in the foreground on it. Ctrl-C (or
# SIGTERM) stops the whole stack in dependency order.
#
# Environment: BKLOG_HOME, BKLOG_PORT_PREFIX (three digits, default 184:
# ports 18400-18419 on 127.0.0.1), CONSUL_HTTP_ADDR (register the API in
# that Consul agent too), SUPD_BUILD (the build directory, default build).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
profile=dev
while [ $# -gt 0 ]; do
	case $1 in
	-P) profile=${2:?-P needs a profile}; shift 2 ;;
	-P*) profile=${1#-P}; shift ;;
	*) echo "usage: $0 [-P dev|stag|prod]" >&2; exit 2 ;;
	esac
done
[ -f "$here/vars/$profile.env" ] || {
	echo "$0: no profile $profile (vars/$profile.env)" >&2; exit 2; }

"$top/scripts/deps.sh" bklog
case ${SUPD_BUILD:-build} in
/*) build=$SUPD_BUILD ;;
*) build=$top/${SUPD_BUILD:-build} ;;
esac
if [ ! -x "$build/supd" ]; then
	[ -d "$build" ] || meson setup "$build" >/dev/null
	ninja -C "$build" >/dev/null
fi

export BKLOG_HOME="${BKLOG_HOME:-/tmp/bklog}"
export BKLOG_USER="$(id -un)"
mkdir -p "$BKLOG_HOME/run/nginx" "$BKLOG_HOME/logs" "$BKLOG_HOME/data"
"$build/supctl" render "$here/templates" --vars "$here/vars/common.env" \
    --vars "$here/vars/$profile.env" --out "$BKLOG_HOME" >/dev/null
conf=$BKLOG_HOME/etc/supervisord.conf
"$build/supd" check -c "$conf" -P "$profile"
echo "supd on $conf; status: $build/supctl -c $conf status -v"
exec "$build/supd" -n -c "$conf" -P "$profile"
