"""Keep a real Moodle up for repeated test runs: ``python -m competency_testing.moodle.realsite FILE``.

``python -m competency_testing.moodle.realsite STATE_FILE [SETUP_JSON]``: SETUP_JSON is the site's
setup (the shape of :func:`~competency_testing.moodle.realsite.server.default_setup`; default: that).

Installs and serves the site as the test fixtures do, writes what other processes need
to FILE (mode 0600: it holds the test site's tokens), and keeps it up until interrupted.
``COMPETENCY_TEST_MOODLE_ATTACH=FILE pytest tests/adapters/moodle`` then reuses it
instead of installing Moodle again.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import threading
from pathlib import Path

from competency_testing.moodle.realsite.server import MoodleUnavailable, describe, real_moodle


def main(argv: list[str]) -> int:
    """Serve until SIGINT or SIGTERM."""
    if len(argv) not in (1, 2):
        print(
            "usage: python -m competency_testing.moodle.realsite STATE_FILE [SETUP_JSON]",
            file=sys.stderr,
        )
        return 2
    target = Path(argv[0])
    setup = json.loads(Path(argv[1]).read_text()) if len(argv) == 2 else None
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        with real_moodle(setup=setup) as moodle:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as f:
                json.dump(describe(moodle), f)
            print(f"Moodle {moodle.version} at {moodle.url}; state in {target}", flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                done.wait()
            target.unlink(missing_ok=True)
    except MoodleUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
