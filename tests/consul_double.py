#!/usr/bin/env python3
"""A recording double of the three Consul agent endpoints supd uses, since
Debian ships no Consul: PUT /v1/agent/service/register,
PUT /v1/agent/service/deregister/:id and PUT /v1/agent/check/update/:id.

    consul_double.py LOGFILE [CERT KEY [CLIENT_CA]]

listens on 127.0.0.1 on a free port (over TLS with CERT and KEY, asking for
a client certificate signed by CLIENT_CA when given), prints "port N" on stdout, and appends
every request to LOGFILE as a JSON line {"t", "method", "path", "headers",
"body"}. It answers as the agent does: 200 with an empty body, 404 "Unknown
service ID" / "Unknown check ID" for what it does not hold, 400 for a bad
body. Control requests under /_double/ are not recorded:

    PUT /_double/forget forget every service and check
    PUT /_double/mode   body "ok", "fail" (answer 500) or "hang" (read the
                        request, never answer until the mode changes)
    GET /_double/state  {"services": {id: definition}, "checks": {id: status},
                        "max_open": most agent requests open at once}
"""
import json
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Condition()
STATE = {"mode": "ok", "services": {}, "checks": {}, "open": 0, "max_open": 0}
LOG = None


def record(handler, body):
    entry = {"t": time.time(), "method": handler.command, "path": handler.path,
             "headers": {k: v for k, v in handler.headers.items()},
             "body": body}
    with LOCK:
        LOG.write(json.dumps(entry) + "\n")
        LOG.flush()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def answer(self, code, text=""):
        data = text.encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n).decode() if n else ""

    def do_GET(self):
        self.read_body()
        if self.path == "/_double/state":
            with LOCK:
                state = {k: STATE[k] for k in ("services", "checks", "max_open")}
                self.answer(200, json.dumps(state))
            return
        record(self, "")
        self.answer(405, "method GET not allowed")

    def do_PUT(self):
        body = self.read_body()
        if self.path == "/_double/mode":
            with LOCK:
                STATE["mode"] = body.strip()
                LOCK.notify_all()
            self.answer(200)
            return
        if self.path == "/_double/forget":
            # An agent that lost its state (restarted without a data dir).
            with LOCK:
                STATE["services"].clear()
                STATE["checks"].clear()
            self.answer(200)
            return
        record(self, body)
        with LOCK:
            STATE["open"] += 1
            STATE["max_open"] = max(STATE["max_open"], STATE["open"])
            try:
                while STATE["mode"] == "hang":
                    LOCK.wait()
                if STATE["mode"] == "fail":
                    self.answer(500, "double told to fail")
                    return
                self.agent(body)
            finally:
                STATE["open"] -= 1

    def agent(self, body):
        services, checks = STATE["services"], STATE["checks"]
        path = self.path
        if path == "/v1/agent/service/register":
            try:
                svc = json.loads(body)
                sid = svc.get("ID") or svc["Name"]
            except (ValueError, KeyError, TypeError):
                self.answer(400, "Request decode failed")
                return
            services[sid] = svc
            check = svc.get("Check")
            checks.pop("service:" + sid, None)
            if check:
                checks["service:" + sid] = check.get("Status", "critical")
            self.answer(200)
        elif path.startswith("/v1/agent/service/deregister/"):
            sid = path[len("/v1/agent/service/deregister/"):]
            if sid not in services:
                self.answer(404, 'Unknown service ID "%s"' % sid)
                return
            del services[sid]
            checks.pop("service:" + sid, None)
            self.answer(200)
        elif path.startswith("/v1/agent/check/update/"):
            cid = path[len("/v1/agent/check/update/"):]
            try:
                status = json.loads(body)["Status"]
            except (ValueError, KeyError, TypeError):
                self.answer(400, "Request decode failed")
                return
            if cid not in checks:
                self.answer(500, 'Unknown check ID "%s"' % cid)
                return
            checks[cid] = status
            self.answer(200)
        else:
            self.answer(404, "not a Consul agent endpoint this double knows")


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that gave up on a hung request: nothing to report.
        pass


def main():
    global LOG
    LOG = open(sys.argv[1], "a")
    server = Server(("127.0.0.1", 0), Handler)
    if len(sys.argv) > 3:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[2], sys.argv[3])
        if len(sys.argv) > 4:
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(sys.argv[4])
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    print("port %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
