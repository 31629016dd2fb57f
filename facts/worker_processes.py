"""What the export's and the import's worker processes share: how many to start, their pipes, their end."""

import os
import subprocess
from typing import IO

MOST = 4  # workers at most: past four, the one process that writes sets the pace


def workers_available() -> int:
    """One worker per core this process may run on, up to MOST."""
    try:
        return min(len(os.sched_getaffinity(0)), MOST)
    except AttributeError:  # not on Linux
        return min(os.cpu_count() or 1, MOST)


def pipe(stream: IO[bytes] | None) -> IO[bytes]:
    """A worker's pipe: every worker is started with stdin, stdout and stderr piped."""
    if stream is None:
        raise RuntimeError("a worker process was started without its pipes")
    return stream


def failed(process: subprocess.Popen[bytes], what: str) -> None:
    """Stop a worker that broke off, and raise with the last line it wrote to stderr."""
    process.kill()
    message = pipe(process.stderr).read().decode("utf-8", "replace").strip().splitlines()
    raise RuntimeError(f"{what} failed: {message[-1] if message else 'no message'}")


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
