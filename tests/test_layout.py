"""The layout the design card fixes: the recommender never pulls in the web app."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.helpers import ROOT


def test_importing_the_recommender_loads_neither_flask_sqlalchemy_nor_marketplace():
    code = ("import sys, recommender, pkgutil\n"
            "for m in pkgutil.walk_packages(recommender.__path__, 'recommender.'): __import__(m.name)\n"
            "print(sorted(n for n in sys.modules if n.split('.')[0] in ('flask', 'sqlalchemy', 'marketplace')))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_wsgi_exposes_the_app_for_gunicorn(tmp_path):
    code = "import wsgi; print(type(wsgi.app).__name__, sorted(wsgi.app.blueprints)[:3])"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "SECRET_KEY": "k",
           "MARKETPLACE_ENV": "development"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Flask ['account', 'api', 'auth']"


@pytest.mark.parametrize(("given", "expected"), [(None, "[1]"), ("2", "[2]")])
def test_gunicorn_workers_use_one_blas_thread_unless_told(given, expected):
    """Whichever BLAS numpy is built on (OpenBLAS in the wheels, MKL in some distributions)."""
    code = ("import runpy; runpy.run_path('gunicorn.conf.py'); import numpy, threadpoolctl; "
            "print(sorted({p['num_threads'] for p in threadpoolctl.threadpool_info() if p['user_api'] == 'blas'}))")
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    if given:
        env.update(dict.fromkeys(("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"), given))
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected
