"""Gunicorn settings for production; each can be overridden from the environment."""
import multiprocessing
import os

# The workers are the parallelism: each one's numeric libraries get one thread (read as numpy loads
# in the worker; the environment may still say otherwise). With a thread per core, a ranked list took
# twice the CPU for the same time (benchmarks/recommender_serve.py: CPU p50 15.8 ms against 7.9 ms).
for _threads in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_threads, "1")

bind = os.environ.get("BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker):
    """Each worker, as it starts: the loaded app's objects (about 230,000: modules, classes, the
    app) are frozen out of the garbage collector's full passes, which otherwise walk them all and
    made about one ranked page in ten 130 ms slower (benchmarks/ranked_deal_flow.py); then the
    recommender's serving state is built in the background."""
    import gc

    from marketplace.services import matching

    gc.freeze()
    matching.warm_up(worker.wsgi)
