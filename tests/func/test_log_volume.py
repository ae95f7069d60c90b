"""Programs that write a lot, fast: every byte reaches the log in order,
with and without rotation, up to the last one written before the program
exits; a log truncated under a busy writer (logrotate's copytruncate) goes
on from its new end; programs sharing a file still never split a line.
(supd moves a busy program's output with splice(2) through a larger pipe;
these hold for supervisord's plain reads and writes too.)"""
import os

from conftest import wait_until

# Numbered 100-byte lines in 64000-byte writes, then END, then exit.
WRITER = r"""
#!/usr/bin/python3
import os, sys
n, tag = int(sys.argv[1]), sys.argv[2].encode()
buf = b""
for i in range(n):
    buf += tag + b"-%08d " % i + b"x" * (89 - len(tag)) + b"\n"
    if len(buf) >= 64000:
        os.write(1, buf)
        buf = b""
os.write(1, buf + b"END\n")
"""


def expected(n, tag="w"):
    return "".join("%s-%08d %s\n" % (tag, i, "x" * (89 - len(tag))) for i in range(n)) + "END\n"


def read(path):
    with open(path) as f:
        return f.read()


def test_bulk_output_reaches_the_log_whole(sup):
    sup.script("writer.py", WRITER)
    sup.write("""
        [program:bulk]
        command=%(here)s/writer.py 160000 w
        startsecs=0
        autorestart=false
        stdout_logfile={dir}/bulk.log
        stdout_logfile_maxbytes=0
        """)
    sup.start()
    sup.wait_state("bulk", "EXITED", timeout=60)
    assert read(sup.path("bulk.log")) == expected(160000)


def test_bulk_output_rotates_without_losing_a_byte(sup):
    sup.script("writer.py", WRITER)
    sup.write("""
        [program:bulk]
        command=%(here)s/writer.py 160000 w
        startsecs=0
        autorestart=false
        stdout_logfile={dir}/bulk.log
        stdout_logfile_maxbytes=1MB
        stdout_logfile_backups=40
        """)
    sup.start()
    sup.wait_state("bulk", "EXITED", timeout=60)
    backups = sorted((int(name.rsplit(".", 1)[1]) for name in os.listdir(sup.path())
                      if name.startswith("bulk.log.")), reverse=True)
    assert backups == list(range(len(backups), 0, -1))
    # Rotation happens after a write takes a file to maxbytes: each backup
    # holds at least that much, and not much more.
    for b in backups:
        size = os.path.getsize(sup.path("bulk.log.%d" % b))
        assert 1024 * 1024 <= size < 1024 * 1024 + 256 * 1024
    text = "".join(read(sup.path("bulk.log.%d" % b)) for b in backups)
    assert text + read(sup.path("bulk.log")) == expected(160000)


# Two batches: the second once the file named by argv[1] exists.
PAUSING_WRITER = r"""
#!/usr/bin/python3
import os, sys, time
def batch(n, tag):
    buf = b""
    for i in range(n):
        buf += tag + b"-%08d " % i + b"x" * (89 - len(tag)) + b"\n"
        if len(buf) >= 64000:
            os.write(1, buf)
            buf = b""
    os.write(1, buf)
batch(20000, b"a")
while not os.path.exists(sys.argv[1]):
    time.sleep(0.01)
batch(20000, b"b")
os.write(1, b"END\n")
time.sleep(1000)
"""


def test_log_truncated_under_a_busy_writer_goes_on_from_its_new_end(sup):
    sup.script("writer.py", PAUSING_WRITER)
    sup.write("""
        [program:busy]
        command=%(here)s/writer.py %(here)s/go
        startsecs=0
        stdout_logfile={dir}/busy.log
        stdout_logfile_maxbytes=0
        """)
    sup.start()
    path = sup.path("busy.log")
    wait_until(lambda: os.path.getsize(path) == 2000000, timeout=30,
               what="the first batch to be logged")
    # logrotate's copytruncate: appending goes on at the new end, with no
    # hole of zeros where the old content was.
    os.truncate(path, 0)
    open(sup.path("go"), "w").close()
    wait_until(lambda: read(path).endswith("END\n"), timeout=30,
               what="the second batch to be logged")
    assert read(path) == expected(20000, "b")


def test_busy_programs_sharing_a_file_never_split_a_line(sup):
    sup.script("writer.py", WRITER)
    sup.write("""
        [program:a]
        command=%(here)s/writer.py 60000 a
        startsecs=0
        autorestart=false
        stdout_logfile={dir}/shared.log
        stdout_logfile_maxbytes=0

        [program:b]
        command=%(here)s/writer.py 60000 b
        startsecs=0
        autorestart=false
        stdout_logfile={dir}/shared.log
        stdout_logfile_maxbytes=0
        """)
    sup.start()
    sup.wait_state("a", "EXITED", timeout=60)
    sup.wait_state("b", "EXITED", timeout=60)
    lines = read(sup.path("shared.log")).splitlines(True)
    assert lines.count("END\n") == 2
    for tag in "ab":
        mine = [ln for ln in lines if ln.startswith(tag + "-")]
        assert "".join(mine) + "END\n" == expected(60000, tag)
    assert all(ln == "END\n" or len(ln) == 100 for ln in lines)


# One line per write(2), as a program flushing after every line does.
LINE_WRITER = r"""
#!/usr/bin/python3
import os, sys
n, tag = int(sys.argv[1]), sys.argv[2].encode()
for i in range(n):
    os.write(1, tag + b"-%08d\n" % i)
os.write(1, b"END\n")
os.write(1, sys.stdin.readline().encode())
"""


def test_line_by_line_writer_every_line_in_order_and_later_lines_too(sup):
    """supd reads a fast line-by-line writer in batches (from a timer);
    every line still arrives, in order, and once the program goes quiet a
    single later line arrives on its own."""
    sup.script("lines.py", LINE_WRITER)
    sup.write("""
        [program:lines]
        command=%(here)s/lines.py 200000 l
        startsecs=0
        autorestart=false
        stdout_logfile={dir}/lines.log
        stdout_logfile_maxbytes=0
        """)
    sup.start()
    log = sup.path("lines.log")
    want = "".join("l-%08d\n" % i for i in range(200000)) + "END\n"
    wait_until(lambda: os.path.getsize(log) >= len(want), timeout=60,
               what="all the lines")
    assert read(log) == want
    sup.rpc.sendProcessStdin("lines", "later\n")
    wait_until(lambda: read(log) == want + "later\n", what="the later line")
