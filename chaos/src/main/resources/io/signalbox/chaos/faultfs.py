#!/usr/bin/python3
"""faultfs: a passthrough FUSE filesystem for the chaos harness that can lose, fail and fill.

    faultfs.py BACKING MOUNTPOINT CONTROL_SOCKET

Every operation goes to the same path under BACKING. What a file held at its last fsync is
remembered, not its new data: a write or truncate saves the bytes it overwrites (an append
saves nothing but the old size) until fsync or fdatasync of that file, so `drop-unsynced`
can put every file back as it was at its last fsync, as a power loss would (Jepsen's LazyFS
drops its page cache instead; the result is the same). Namespace operations (create, rename,
unlink, mkdir) are durable at once, as in LazyFS: a file created and never fsynced comes
back empty, not missing.

Commands on CONTROL_SOCKET (a unix stream socket), one line each, answered with one line
starting "ok" or "error":
    drop-unsynced        power loss: every file back to its last fsync
    fail-writes on|off   write, truncate, create and mkdir fail with EIO
    fail-fsync on|off    fsync and fdatasync (files and directories) fail with EIO; what the
                         failed one was to save, and anything written to that file after it,
                         stays unsynced even if a later fsync succeeds (after a writeback error
                         Linux marks the pages clean and a retried fsync reports success:
                         PostgreSQL's "fsyncgate")
    full on|off          write, truncate, create and mkdir fail with ENOSPC; statfs says 0 free
    status               counters
The harness kills the process using the mount before it sends drop-unsynced.
Unmount with `umount MOUNTPOINT`; this process then exits.
"""
import errno
import os
import socket
import sys
import threading
import time

try:
    import fusepy
except ImportError:
    sys.stderr.write("faultfs: python3-fusepy is not installed (apt-get install fuse3 python3-fusepy)\n")
    sys.exit(3)

UNDO_BYTES_MAX = 256 << 20   # bytes saved for unsynced overwrites at most; writes fail with EIO beyond it
COMMAND_BYTES_MAX = 256


def log(message):
    sys.stderr.write(time.strftime("%H:%M:%S ") + "faultfs: " + message + "\n")
    sys.stderr.flush()


class Unsynced:
    """One file since its last fsync: its size then, and (offset, old bytes) per change, oldest first."""

    def __init__(self, size):
        self.size = size
        self.changes = []
        self.poisoned = False  # an fsync of it failed: no later fsync saves what changed since the last good one


class FaultFs(fusepy.Operations):
    def __init__(self, backing):
        self.backing = os.path.realpath(backing)
        self.mutex = threading.RLock()
        self.unsynced = {}
        self.undo_bytes = 0
        self.fail_writes = False
        self.fail_fsync = False
        self.full = False
        self.counts = {"fsyncs": 0, "fsyncs failed": 0, "writes failed": 0, "writes refused full": 0, "drops": 0}

    def _real(self, path):
        return self.backing + path

    # ---- the faults ----

    def _refuse_write(self, extending=True):
        if self.fail_writes:
            self.counts["writes failed"] += 1
            raise fusepy.FuseOSError(errno.EIO)
        if self.full and extending:
            self.counts["writes refused full"] += 1
            raise fusepy.FuseOSError(errno.ENOSPC)

    def _remember(self, path, fd, offset, length):
        """Before a change of [offset, offset+length) of path: what it holds now, unless beyond the end."""
        size = os.fstat(fd).st_size
        entry = self.unsynced.get(path)
        if entry is None:
            entry = self.unsynced[path] = Unsynced(size)
        if offset < size and length > 0:
            old = os.pread(fd, min(length, size - offset), offset)
            if self.undo_bytes + len(old) > UNDO_BYTES_MAX:
                log("undo space of %d bytes used up by unsynced overwrites; failing the write to %s" % (UNDO_BYTES_MAX, path))
                raise fusepy.FuseOSError(errno.EIO)
            self.undo_bytes += len(old)
            entry.changes.append((offset, old))

    def _synced(self, path):
        entry = self.unsynced.get(path)
        if entry is not None and not entry.poisoned:
            self._forget(path)

    def drop_unsynced(self):
        files = 0
        lost = 0
        for path, entry in self.unsynced.items():
            real = self._real(path)
            if not os.path.exists(real):
                continue
            fd = os.open(real, os.O_RDWR)
            try:
                lost += max(0, os.fstat(fd).st_size - entry.size) + sum(len(old) for _, old in entry.changes)
                for offset, old in reversed(entry.changes):
                    os.pwrite(fd, old, offset)
                os.ftruncate(fd, entry.size)
            finally:
                os.close(fd)
            files += 1
        self.unsynced.clear()
        self.undo_bytes = 0
        self.counts["drops"] += 1
        return "dropped the unsynced data of %d files (%d bytes)" % (files, lost)

    def command(self, line):
        words = line.split()
        with self.mutex:
            if words == ["drop-unsynced"]:
                result = self.drop_unsynced()
                log(result)
                return "ok " + result
            if words == ["status"]:
                return "ok unsynced files %d; %s" % (len(self.unsynced), "; ".join("%s %d" % kv for kv in self.counts.items()))
            if len(words) == 2 and words[0] in ("fail-writes", "fail-fsync", "full") and words[1] in ("on", "off"):
                setattr(self, words[0].replace("-", "_"), words[1] == "on")
                log("%s %s (%s)" % (words[0], words[1], "; ".join("%s %d" % kv for kv in self.counts.items())))
                return "ok %s %s" % (words[0], words[1])
        return ("error: \"%s\" is not a command; allowed: drop-unsynced, fail-writes on|off, fail-fsync on|off, full on|off, status"
                % line.strip()[:80])

    # ---- passthrough, with the bookkeeping ----

    def getattr(self, path, fh=None):
        st = os.lstat(self._real(path))
        return {key: getattr(st, key) for key in
                ("st_atime", "st_ctime", "st_gid", "st_mode", "st_mtime", "st_nlink", "st_size", "st_uid", "st_ino")}

    def readdir(self, path, fh):
        return [".", ".."] + os.listdir(self._real(path))

    def access(self, path, mode):
        if not os.access(self._real(path), mode):
            raise fusepy.FuseOSError(errno.EACCES)

    def statfs(self, path):
        st = os.statvfs(self._real(path))
        stats = {key: getattr(st, key) for key in ("f_bavail", "f_bfree", "f_blocks", "f_bsize", "f_favail", "f_ffree", "f_files",
                                                     "f_flag", "f_frsize", "f_namemax")}
        if self.full:
            stats["f_bavail"] = stats["f_bfree"] = 0
        return stats

    def open(self, path, flags):
        with self.mutex:
            if flags & os.O_TRUNC:
                self.truncate(path, 0)
            # Read-write whatever the caller asked: saving what a write overwrites needs a read. The kernel passes
            # every write's offset (O_APPEND included) and has done any O_TRUNC through truncate() above.
            flags &= ~(os.O_TRUNC | os.O_APPEND | os.O_CREAT | os.O_EXCL | os.O_ACCMODE)
            return os.open(self._real(path), flags | os.O_RDWR)

    def create(self, path, mode, fi=None):
        with self.mutex:
            self._refuse_write()
            fd = os.open(self._real(path), os.O_RDWR | os.O_CREAT, mode)
            self._remember(path, fd, 0, 0)
            if os.fstat(fd).st_size > 0:  # O_CREAT on an existing file from create(): the kernel truncates it
                self._remember(path, fd, 0, os.fstat(fd).st_size)
                os.ftruncate(fd, 0)
            return fd

    def read(self, path, size, offset, fh):
        return os.pread(fh, size, offset)

    def write(self, path, data, offset, fh):
        with self.mutex:
            self._refuse_write()
            self._remember(path, fh, offset, len(data))
            return os.pwrite(fh, data, offset)

    def truncate(self, path, length, fh=None):
        with self.mutex:
            fd = fh if fh is not None else os.open(self._real(path), os.O_RDWR)
            try:
                size = os.fstat(fd).st_size
                self._refuse_write(extending=length > size)
                self._remember(path, fd, length, max(0, size - length))
                os.ftruncate(fd, length)
            finally:
                if fh is None:
                    os.close(fd)

    def fsync(self, path, datasync, fh):
        with self.mutex:
            self.counts["fsyncs"] += 1
            if self.fail_fsync:
                self.counts["fsyncs failed"] += 1
                entry = self.unsynced.get(path)
                if entry is not None:
                    entry.poisoned = True
                raise fusepy.FuseOSError(errno.EIO)
            self._synced(path)
            return 0

    def fsyncdir(self, path, datasync, fh):
        with self.mutex:
            self.counts["fsyncs"] += 1
            if self.fail_fsync:
                self.counts["fsyncs failed"] += 1
                raise fusepy.FuseOSError(errno.EIO)
            return 0

    def flush(self, path, fh):
        return 0

    def release(self, path, fh):
        os.close(fh)
        return 0

    def unlink(self, path):
        with self.mutex:
            os.unlink(self._real(path))
            self._forget(path)

    def _forget(self, path):
        entry = self.unsynced.pop(path, None)
        if entry is not None:
            self.undo_bytes -= sum(len(old) for _, old in entry.changes)

    def rename(self, old, new):
        with self.mutex:
            os.rename(self._real(old), self._real(new))
            self._forget(new)
            for path in [p for p in self.unsynced if p == old or p.startswith(old + "/")]:
                self.unsynced[new + path[len(old):]] = self.unsynced.pop(path)

    def mkdir(self, path, mode):
        with self.mutex:
            self._refuse_write()
            os.mkdir(self._real(path), mode)

    def rmdir(self, path):
        os.rmdir(self._real(path))

    def chmod(self, path, mode):
        os.chmod(self._real(path), mode)

    def chown(self, path, uid, gid):
        os.chown(self._real(path), uid, gid)

    def utimens(self, path, times=None):
        os.utime(self._real(path), times)

    def readlink(self, path):
        return os.readlink(self._real(path))

    def symlink(self, target, source):
        os.symlink(source, self._real(target))

    def link(self, target, source):
        os.link(self._real(source), self._real(target))


def serve_control(fs, path):
    if os.path.exists(path):
        os.unlink(path)
    # The socket appears at its path only once it listens: the mounter waits for the path and then
    # connects, and a socket bound but not yet listening refuses the connection.
    pending = path + ".pending"
    if os.path.exists(pending):
        os.unlink(pending)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(pending)
    server.listen(4)
    os.rename(pending, path)
    while True:
        connection, _ = server.accept()
        with connection:
            reader = connection.makefile("r", encoding="utf-8", newline="\n")
            for line in reader:
                if len(line) > COMMAND_BYTES_MAX:
                    answer = "error: a command is at most %d bytes" % COMMAND_BYTES_MAX
                else:
                    try:
                        answer = fs.command(line)
                    except OSError as e:
                        answer = "error: %s" % e
                connection.sendall((answer + "\n").encode("utf-8"))


def main():
    if len(sys.argv) != 4:
        sys.stderr.write("usage: faultfs.py BACKING MOUNTPOINT CONTROL_SOCKET\n")
        sys.exit(2)
    backing, mountpoint, control = sys.argv[1:]
    fs = FaultFs(backing)
    threading.Thread(target=serve_control, args=(fs, control), daemon=True, name="control").start()
    log("mounting %s over %s; control socket %s" % (backing, mountpoint, control))
    # direct_io and zero timeouts: no page or attribute cache in the kernel, so after drop-unsynced a reader
    # sees what the backing files hold; without them the kernel could serve the dropped bytes from its cache.
    fusepy.FUSE(fs, mountpoint, foreground=True, nothreads=False, direct_io=True, attr_timeout=0, entry_timeout=0,
                negative_timeout=0, fsname="signalbox-faultfs", subtype="faultfs")
    log("unmounted %s" % mountpoint)


if __name__ == "__main__":
    main()
