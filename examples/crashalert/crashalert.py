#!/usr/bin/python3
"""crashalert: an event listener that appends one line to a file whenever a
supervised process leaves RUNNING unexpectedly, enters BACKOFF or is given
up on (FATAL).

Written on supervisor.childutils, so it runs unchanged under supd and
under Supervisor 4.2.5:

    [eventlistener:crashalert]
    command=/usr/bin/python3 /path/to/crashalert.py /var/log/alerts.log
    events=PROCESS_STATE_EXITED,PROCESS_STATE_FATAL,PROCESS_STATE_BACKOFF

Each alert is one line, "YYYY-MM-DD HH:MM:SS group:process what happened",
appended and flushed before the event is acknowledged, so an alert is
never lost: if the listener dies first, the daemon sends the event again.
Point the file at whatever watches it (a log shipper, a mail sink, tail).
"""
import sys
import time

sys.path.insert(0, "/usr/lib/python3/dist-packages")
from supervisor import childutils  # noqa: E402


def describe(eventname, fields):
    """The alert text for an event, or None if it is no cause for alarm.
    Other events (a TICK, say, if the pool also subscribes to them) are
    acknowledged and ignored."""
    if not eventname.startswith("PROCESS_STATE_"):
        return None
    name = "%s:%s" % (fields["groupname"], fields["processname"])
    if eventname == "PROCESS_STATE_EXITED":
        if fields.get("expected") != "0":
            return None
        return "%s exited unexpectedly (pid %s) from %s" % (
            name, fields["pid"], fields["from_state"])
    if eventname == "PROCESS_STATE_BACKOFF":
        return "%s entered BACKOFF from %s (tries %s)" % (
            name, fields["from_state"], fields["tries"])
    if eventname == "PROCESS_STATE_FATAL":
        return "%s entered FATAL from %s" % (name, fields["from_state"])
    return None


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: crashalert.py ALERT_FILE\n")
        return 2
    path = argv[1]
    while True:
        headers, payload = childutils.listener.wait(sys.stdin, sys.stdout)
        # State payloads are one line of key:value pairs.
        fields, _ = childutils.eventdata(payload + "\n")
        text = describe(headers["eventname"], fields)
        if text is not None:
            stamp = time.strftime("%Y-%m-%d %H:%M:%S")
            with open(path, "a") as f:
                f.write("%s %s\n" % (stamp, text))
        childutils.listener.ok(sys.stdout)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
