# The API's gunicorn settings, from the seeds (reference
# gunicorn_config.py): timeout 65, max_requests 1000, info logs. The
# workers and the port come from the environment supd gives each member.
import os

bind = f"{os.getenv('LAN_IP', '127.0.0.1')}:{os.getenv('BKLOG_API_PORT', '8000')}"
workers = int(os.getenv("BKLOG_API_WORKERS", "8"))
loglevel = "info"
timeout = 65
max_requests = 1000
access_log_format = '%(h)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(L)s'
accesslog = "-"
# A stop finishes the requests in flight (stopwaitsecs is 10).
graceful_timeout = 8

# The reference registered the member in Consul from when_ready and
# on_exit; supd does it instead (consul_service, etcd_key), from the
# ready_check and before the stop signal, so these hooks are gone.
