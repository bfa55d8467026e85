"""Keep a real Moodle up for repeated test runs: ``python -m competency_moodle.realsite FILE``.

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

from competency_moodle.realsite.server import MoodleUnavailable, describe, real_moodle


def main(argv: list[str]) -> int:
    """Serve until SIGINT or SIGTERM."""
    if len(argv) != 1:
        print("usage: python -m competency_moodle.realsite STATE_FILE", file=sys.stderr)
        return 2
    target = Path(argv[0])
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        with real_moodle() as moodle:
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
