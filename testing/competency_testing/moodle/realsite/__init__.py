"""A real Moodle for tests and benchmarks: installed, served, reset, recorded.

:func:`real_moodle` starts a real Moodle 5.x site from its source archive on this machine
(PHP's CLI and built-in server, a throw-away PostgreSQL); :class:`RecordingProxy` sits in
front of any Moodle site, keeps a log of the web-service calls that went through it and
can make a chosen call fail before or after the site acted; :func:`snapshot` reads a
site's competency data by natural keys, in the shape of the emulator's
:meth:`~competency_testing.moodle.Site.snapshot`, so that the same scenario can be
checked on both. For test sites only.
"""

from competency_testing.moodle.realsite.proxy import RecordingProxy
from competency_testing.moodle.realsite.server import (
    MoodleUnavailable,
    RealMoodle,
    attach,
    default_setup,
    describe,
    find_archive,
    real_moodle,
)
from competency_testing.moodle.realsite.snapshot import counts, snapshot

__all__ = [
    "MoodleUnavailable",
    "RealMoodle",
    "RecordingProxy",
    "attach",
    "counts",
    "default_setup",
    "describe",
    "find_archive",
    "real_moodle",
    "snapshot",
]
