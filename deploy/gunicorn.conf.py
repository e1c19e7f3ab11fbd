"""gunicorn's settings for Palier in production (``gunicorn --config deploy/gunicorn.conf.py wsgi:app``)."""

import multiprocessing

bind = "127.0.0.1:8000"  # nginx or Caddy in front, with PALIER_PROXY_COUNT=1
workers = max(2, multiprocessing.cpu_count())
timeout = 90  # a cahier PDF is rendered in a child bounded by PDF_TIMEOUT (60 s)
graceful_timeout = 30
# Every request in the access log, every fault in the error log (Palier writes one JSON line per fault).
accesslog = "-"
errorlog = "-"
loglevel = "info"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
