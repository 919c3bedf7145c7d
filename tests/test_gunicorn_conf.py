"""The gunicorn config shipped at the top level: Ctrl-C stops a gthread worker at once."""

import importlib.util
import signal
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _config():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_signal_arriving_while_the_worker_quits_does_not_quit_it_again():
    calls = []
    handler = None

    def handle_quit(sig, frame):
        calls.append(sig)
        # The master's SIGQUIT landing inside the terminal's SIGINT handling: re-entrant.
        handler(signal.SIGQUIT, frame)

    handler = _config().quit_once(handle_quit)
    handler(signal.SIGINT, None)
    handler(signal.SIGQUIT, None)

    assert calls == [signal.SIGINT]


def test_a_worker_quits_once_without_touching_its_thread_pool():
    """The pool's lock may be held by the very frame the signal interrupted."""
    interrupted = []
    pool = SimpleNamespace(shutdown=lambda **kwargs: pytest.fail("shutdown inside a handler"))
    worker = SimpleNamespace(
        alive=True, tpool=pool, cfg=SimpleNamespace(worker_int=interrupted.append)
    )
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGQUIT)
    try:
        _config().post_worker_init(worker)
        with pytest.raises(SystemExit):
            signal.getsignal(signal.SIGINT)(signal.SIGINT, None)
        signal.getsignal(signal.SIGQUIT)(signal.SIGQUIT, None)
    finally:
        signal.signal(signal.SIGINT, before[0])
        signal.signal(signal.SIGQUIT, before[1])

    assert worker.alive is False
    assert interrupted == [worker]
