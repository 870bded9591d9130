#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The single-writer guard: an exclusive `flock` on `<store>.lock`, holding the holder's host, pid and start time
/// as text. The kernel drops the lock when the holder exits for any reason (SIGKILL included), so a dead
/// coordinator never blocks the next one; a live one is named in the refusal.
final class WriterLock: @unchecked Sendable {
    /// The lock file's path.
    let path: String
    private var fd: Int32

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    /// Takes the lock for the store at `storePath`, or throws `.locked` naming the current holder.
    static func acquire(storePath: String, now: Double) throws -> WriterLock {
        let path = storePath + ".lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw StoreError(.readOnly, "cannot create the writer lock file \(path): \(reason); a store opened for "
                + "writing needs a writable directory (open it read-only to only query it)")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let err = errno
            let holder = readHolder(fd: fd)
            close(fd)
            if err == EWOULDBLOCK {
                throw StoreError(.locked, "store \(storePath) is already open for writing by \(holder); only one "
                    + "coordinator may write a store: stop that process, or open the store read-only")
            }
            throw StoreError(.io, "cannot lock \(path): \(String(cString: strerror(err)))")
        }
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count - 1)
        let hostName = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let text = "host=\(hostName) pid=\(getpid()) since=\(OptunaDateTime.format(now))Z\n"
        _ = ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
        return WriterLock(path: path, fd: fd)
    }

    /// Releases the lock (the file stays; its content is stale once unlocked).
    func release() {
        guard fd >= 0 else { return }
        _ = flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { release() }

    private static func readHolder(fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = pread(fd, &buffer, buffer.count, 0)
        guard n > 0 else { return "another process (holder unknown)" }
        let text = String(decoding: buffer.prefix(n), as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        var fields: [Substring: Substring] = [:]
        for part in text.split(separator: " ") {
            let kv = part.split(separator: "=", maxSplits: 1)
            if kv.count == 2 { fields[kv[0]] = kv[1] }
        }
        let host = fields["host"].map(String.init) ?? "?"
        let pid = fields["pid"].map(String.init) ?? "?"
        let since = fields["since"].map { " since \($0)" } ?? ""
        return "pid \(pid) on host \(host)\(since)"
    }
}
