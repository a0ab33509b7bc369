"""The antivirus hook: every upload is handed to a scanner command before it is kept.

`PORTAL_SCAN_COMMAND` names a program that reads the file on standard input and
answers like clamdscan/clamscan: exit 0 clean, 1 infected, anything else an error.
Examples: `clamdscan --no-summary -` (ClamAV daemon), or any site's own wrapper.
Empty (the default) means no scanner is configured. A scanner that fails or hangs
refuses the upload (fail closed) with 503 so the citizen can try again.
"""

import shlex
import subprocess

from .exceptions import FileInfected, ScanUnavailable

UNAVAILABLE = "The virus scanner is unavailable; try again later"


def scan(command, stream, timeout=60):
    """Raise FileInfected or ScanUnavailable unless `command` passes the stream."""
    if not command:
        return
    stream.seek(0)
    # A spool that rolled over to disk is handed over as the scanner's stdin; one
    # still in memory is small (under the spool limit) and is passed as bytes.
    fileno = _fileno(stream)
    try:
        proc = subprocess.Popen(
            shlex.split(command),
            stdin=fileno if fileno is not None else subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
    except OSError as exc:
        raise ScanUnavailable(UNAVAILABLE, {"file": [str(exc)]}) from exc
    try:
        data = None if fileno is not None else stream.read()
        output, _ = proc.communicate(input=data, timeout=timeout)
    except (subprocess.TimeoutExpired, BrokenPipeError) as exc:
        proc.kill()
        proc.wait()
        raise ScanUnavailable(UNAVAILABLE, {"file": [type(exc).__name__]}) from exc
    finally:
        stream.seek(0)
    _verdict(proc.returncode, output.decode("utf-8", "replace").strip())


def _fileno(stream):
    try:
        return stream.fileno()
    except (AttributeError, OSError, ValueError):
        return None


def _verdict(returncode, output):
    if returncode == 0:
        return
    detail = output.splitlines()[-1][:200] if output else f"exit {returncode}"
    if returncode == 1:
        raise FileInfected(
            "The file was refused by the virus scanner", {"file": [detail]}
        )
    raise ScanUnavailable(UNAVAILABLE, {"file": [detail]})
