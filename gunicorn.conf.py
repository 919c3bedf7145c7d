"""gunicorn reads this file from the directory it starts in; the command line still sets the rest.

One fix only. Ctrl-C in a terminal sends SIGINT to every process of the group, and gunicorn's
master then sends its workers SIGQUIT as well. A gthread worker's quit handler shuts its thread
pool down, which takes the pool's lock, from inside the signal handler; when the signal lands while
the main thread holds that lock (handing a request to the pool, or in the first signal's handler),
the worker waits for itself until the master kills it after `graceful_timeout` (30 s). Seen with
gunicorn 27.0.1: Ctrl-C on the README's production command sometimes took 30 s instead of 1 s.

So a worker quits the way every gunicorn worker does (stop accepting, exit the process), without
touching the pool's lock in the handler; at exit Python lets the pool's threads finish their
requests. Only the first of the signals counts.
"""

from __future__ import annotations

import signal


def post_worker_init(worker) -> None:
    from gunicorn.workers.base import Worker

    handler = quit_once(lambda sig, frame: Worker.handle_quit(worker, sig, frame))
    signal.signal(signal.SIGQUIT, handler)
    signal.signal(signal.SIGINT, handler)


def quit_once(handle_quit):
    """`handle_quit` for the first call; a no-op for any call after it, re-entrant or not."""
    quitting = False

    def handler(sig, frame) -> None:
        nonlocal quitting
        if quitting:
            return
        quitting = True
        handle_quit(sig, frame)

    return handler
