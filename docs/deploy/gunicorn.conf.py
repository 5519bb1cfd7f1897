# gunicorn -c gunicorn.conf.py "examples.showcase.app:create_app()"
import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8080")
workers = int(os.environ.get("WORKERS", multiprocessing.cpu_count()))
worker_class = "aioloom.web.GunicornWebWorker"  # or GunicornUVLoopWebWorker
graceful_timeout = 30  # the worker gives handlers 95 % of it to finish
keepalive = 75  # idle keep-alive seconds, as run_app's default
accesslog = "-"
access_log_format = '%a %t "%r" %s %b %Tf'
