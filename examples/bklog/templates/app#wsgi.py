"""The example's API: a small WSGI app served by gunicorn and by uWSGI.

GET /healthz            200 "ok" (ready_check, health_check)
GET /api/ping           which member answered, as JSON
GET /api/slow?ms=N      answers after N ms (a request in flight)
GET /api/export?queue=Q&n=N   sends bklog_tasks.export to queue Q
GET /api/leak?mb=N      sends bklog_tasks.leak to the tgpa_task queue
GET /api/chatter?queue=Q&lines=N&width=W
GET /api/task/ID        the task's state and result
GET /metrics            requests served by this member (Prometheus)
"""
import json
import os
import time
from urllib.parse import parse_qs

MEMBER = os.environ.get("SUPERVISOR_PROCESS_NAME", "-")
SERVER = os.environ.get("BKLOG_SERVER", "-")
served = {"count": 0}


def tasks():
    import bklog_tasks  # Celery loads only when a task is sent
    return bklog_tasks


def answer(start_response, status, body, ctype="application/json"):
    if not isinstance(body, (bytes, str)):
        body = json.dumps(body)
    if isinstance(body, str):
        body = body.encode()
    start_response(status, [("Content-Type", ctype),
                            ("Content-Length", str(len(body)))])
    return [body]


def application(environ, start_response):
    served["count"] += 1
    path = environ.get("PATH_INFO", "/")
    # Behind nginx the uWSGI members are under /uwsgi/.
    if path.startswith("/uwsgi/"):
        path = path[len("/uwsgi"):]
    q = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    if path == "/healthz":
        return answer(start_response, "200 OK", "ok\n", "text/plain")
    if path == "/api/ping":
        return answer(start_response, "200 OK",
                      {"member": MEMBER, "server": SERVER, "pid": os.getpid()})
    if path == "/api/slow":
        time.sleep(int(q.get("ms", "100")) / 1000)
        return answer(start_response, "200 OK", {"member": MEMBER})
    if path == "/api/export":
        r = tasks().export.apply_async((int(q.get("n", "10")),),
                                       queue=q.get("queue", "default"))
        return answer(start_response, "202 Accepted", {"task": r.id})
    if path == "/api/leak":
        r = tasks().leak.apply_async((int(q.get("mb", "64")),),
                                     queue="tgpa_task")
        return answer(start_response, "202 Accepted", {"task": r.id})
    if path == "/api/chatter":
        r = tasks().chatter.apply_async(
            (int(q.get("lines", "10")), int(q.get("width", "100"))),
            queue=q.get("queue", "default"))
        return answer(start_response, "202 Accepted", {"task": r.id})
    if path.startswith("/api/task/"):
        r = tasks().app.AsyncResult(path[len("/api/task/"):])
        return answer(start_response, "200 OK",
                      {"state": r.state,
                       "result": r.result if r.successful() else None})
    if path == "/metrics":
        text = ("# HELP bklog_api_requests_total Requests this member served.\n"
                "# TYPE bklog_api_requests_total counter\n"
                'bklog_api_requests_total{member="%s",server="%s"} %d\n'
                % (MEMBER, SERVER, served["count"]))
        return answer(start_response, "200 OK", text,
                      "text/plain; version=0.0.4")
    return answer(start_response, "404 Not Found", {"error": path})
