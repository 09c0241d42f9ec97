"""gunicorn settings for ``make serve`` and the systemd unit of docs/deploy.md.

Environment: HOST, PORT (bind address, default 127.0.0.1:8000; a reverse proxy sits in
front), WEB_CONCURRENCY (workers; default 2 × CPU cores + 1, at most 8), GUNICORN_TIMEOUT,
FORWARDED_ALLOW_IPS (addresses of the proxy whose X-Forwarded-* headers are believed).
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * multiprocessing.cpu_count() + 1, 8))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
keepalive = 5
# A worker is replaced after this many requests (jittered), bounding any slow growth of memory.
max_requests = 2000
max_requests_jitter = 200
# The settings start nothing at import (the embedded database starts on first connection),
# so the application can be loaded once in the master and shared by the forked workers.
preload_app = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = "-"
errorlog = "-"
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
proc_name = "cppcc-reply-archive"
