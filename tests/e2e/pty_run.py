"""Runs a command with its stderr on a pseudo-terminal (stdout to a file),
as a person's terminal would have it, and writes what the terminal
received to a file: for the progress-line tests (progress is shown on a
terminal only).

    python3 pty_run.py STDOUT_FILE TERMINAL_FILE TIMEOUT_SECONDS COMMAND...

Exits with the command's status (124 when it ran past the timeout).
"""
import os
import select
import subprocess
import sys
import time

out_path, terminal_path, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
master, slave = os.openpty()
with open(out_path, "wb") as out:
    child = subprocess.Popen(sys.argv[4:], stdin=subprocess.DEVNULL, stdout=out, stderr=slave)
os.close(slave)
received = b""
deadline = time.monotonic() + timeout
status = None
while time.monotonic() < deadline:
    ready, _, _ = select.select([master], [], [], 0.2)
    if ready:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: every writer of the terminal has closed it
            chunk = b""
        if chunk:
            received += chunk
            continue
    status = child.poll()
    if status is not None and not ready:
        break
    if status is not None and ready:
        break
if status is None:
    child.kill()
    child.wait()
    status = 124
os.close(master)
with open(terminal_path, "wb") as terminal:
    terminal.write(received)
sys.exit(status)
