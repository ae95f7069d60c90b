"""The Celery side of the example app: one task per queue of the seeds'
workers, a beat heartbeat, and two tasks the test uses (chatter writes
long log lines, leak holds memory until the worker is recycled).
Broker and result backend: the stack's redis-server."""
import logging
import os
import time

from celery import Celery

REDIS = "redis://127.0.0.1:__BK_BKLOG_REDIS_PORT__/0"
WORKER = os.environ.get("BKLOG_WORKER", "-")

app = Celery("bklog", broker=REDIS, backend=REDIS)
app.conf.update(
    # Each line of the shared celery.log says which program wrote it.
    worker_log_format="[%(asctime)s: %(levelname)s/%(processName)s] "
                      + WORKER + " %(message)s",
    worker_task_log_format="[%(asctime)s: %(levelname)s/%(processName)s] "
                           + WORKER + " %(task_name)s[%(task_id)s] %(message)s",
    worker_hijack_root_logger=True,
    worker_redirect_stdouts_level="INFO",
    broker_connection_retry_on_startup=True,
    result_expires=600,
    task_default_queue="default",
    beat_schedule={
        "heartbeat": {"task": "bklog_tasks.heartbeat", "schedule": 2.0,
                      "options": {"queue": "default", "expires": 10}},
    },
)
log = logging.getLogger("bklog")
hoard = []


@app.task
def heartbeat():
    log.info("heartbeat from beat")
    return WORKER


@app.task
def export(n):
    """The work of the queue it was sent to: here, a sum."""
    log.info("export of %d rows", n)
    return {"worker": WORKER, "rows": n, "sum": sum(range(n))}


@app.task
def chatter(lines, width):
    """Log lines long enough to take several pipe reads each: in the shared
    celery.log each must still be whole."""
    body = (WORKER + ".") * (width // (len(WORKER) + 1))
    for i in range(lines):
        log.info("chatter %s %d %s", WORKER, i, body)
    return WORKER


@app.task
def leak(mb):
    """Keep mb MiB for good, as a leaking task would (max_rss recycles)."""
    hoard.append(b"\x01" * (mb << 20))
    log.info("holding %d MiB", sum(len(b) for b in hoard) >> 20)
    time.sleep(1)
    return WORKER
