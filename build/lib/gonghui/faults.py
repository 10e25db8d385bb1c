"""Fault injection for the crash-safety tests: GONGHUI_FAULT=kill:<point> or pause:<point>:<seconds>.

Points: stage, clean, segment, extract (at the start of that task), load (inside the load transaction,
after the first inserts, before COMMIT). Unset in normal use: then every call is a no-op.
"""

from __future__ import annotations

import os
import signal
import time

ENV = "GONGHUI_FAULT"


def inject(point: str) -> None:
    spec = os.environ.get(ENV)
    if not spec:
        return
    parts = spec.split(":")
    if len(parts) < 2 or parts[1] != point:
        return
    if parts[0] == "kill":
        os.kill(os.getpid(), signal.SIGKILL)  # a real kill -9: no cleanup, no finally blocks
    elif parts[0] == "pause":
        marker = os.environ.get("GONGHUI_FAULT_MARKER")
        if marker:
            with open(marker, "w") as fh:  # tells the test the run has reached this point
                fh.write(point)
        # hold until the time is up, or until the test drops GONGHUI_FAULT_RELEASE
        release = os.environ.get("GONGHUI_FAULT_RELEASE")
        deadline = time.monotonic() + (float(parts[2]) if len(parts) > 2 else 5.0)
        while time.monotonic() < deadline and not (release and os.path.exists(release)):
            time.sleep(0.1)
