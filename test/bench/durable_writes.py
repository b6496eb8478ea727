"""The disk's durable-write limit: COUNT files of SIZE bytes written by WRITERS parallel writers, each file fsynced
before the next, as a server that makes every stored instance durable must; a durable file's cached pages are
dropped, as the archive and the floor receiver (stow_sink.c) do (see compare-orthanc.sh). Prints one JSON object.
The files stay: deleting thousands of files slows the creation of the next ones for minutes on some file systems (see
compare-orthanc.sh), so DIR is the caller's to remove when it has measured everything.

usage: durable_writes.py DIR COUNT SIZE [WRITERS]
"""
import json
import os
import sys
import threading
import time

directory, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
writers = int(sys.argv[4]) if len(sys.argv) > 4 else 4
os.makedirs(directory, exist_ok=True)
data = os.urandom(size)
next_file = iter(range(count))
lock = threading.Lock()


def write():
    while True:
        with lock:
            i = next(next_file, None)
        if i is None:
            return
        fd = os.open(os.path.join(directory, f"{i:06d}.bin"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, data)
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


start = time.perf_counter()
threads = [threading.Thread(target=write) for _ in range(writers)]
for t in threads:
    t.start()
for t in threads:
    t.join()
seconds = time.perf_counter() - start
print(json.dumps({"files": count, "bytes": size, "writers": writers, "seconds": seconds,
                  "filesPerSecond": count / seconds, "megabytesPerSecond": count * size / 1048576 / seconds}))
