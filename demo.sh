#!/bin/sh
# Builds supd and runs it in the foreground on demo/supervisord.conf.
# Installs missing Debian packages first. Stop it with Ctrl-C.
set -eu
cd "$(dirname "$0")"
scripts/deps.sh build
[ -d build ] || meson setup build >/dev/null
ninja -C build >/dev/null
mkdir -p demo/run
cat <<MSG
supd is starting on demo/supervisord.conf. In another terminal:
  build/supctl -c demo/supervisord.conf status
  supervisorctl -c demo/supervisord.conf status    (the real one works too)
  tail -f demo/run/workers.log demo/run/flaky.log
  curl http://127.0.0.1:8765/
Ctrl-C stops every program and exits.
MSG
exec build/supd -c demo/supervisord.conf -n
