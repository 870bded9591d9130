#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Cheap checks of a store file before SQLite touches it, so that a file that is not SQLite, or one cut short,
/// is refused with a clear message instead of being "repaired" into an empty database.
enum FileCheck {
    /// What the file system says about `path`.
    enum State: Equatable { case missing, empty, sqlite }

    /// Reads the 100-byte SQLite header of `path` and validates magic, page size and length.
    static func check(_ path: String) throws -> State {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return .missing }
            throw StoreError(.readOnly, "cannot read store \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw StoreError(.io, "cannot stat store \(path): \(String(cString: strerror(errno)))")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw StoreError(.invalidValue, "store path \(path) is a directory; expected a database file")
        }
        let size = Int64(info.st_size)
        if size == 0 { return .empty }
        var header = [UInt8](repeating: 0, count: 100)
        let n = read(fd, &header, 100)
        let magic = Array("SQLite format 3".utf8) + [0]
        guard n >= 16, Array(header[0..<16]) == magic else {
            throw StoreError(.notADatabase, "\(path) is not an SQLite database (its first bytes are not the "
                + "SQLite header); refusing to open or modify it")
        }
        guard n == 100 else {
            throw StoreError(.corrupt, "store \(path) is truncated: \(size) bytes, shorter than the SQLite header")
        }
        var pageSize = Int64(header[16]) << 8 | Int64(header[17])
        if pageSize == 1 { pageSize = 65536 }
        guard pageSize >= 512, pageSize & (pageSize - 1) == 0 else {
            throw StoreError(.corrupt, "store \(path) is corrupt: invalid page size \(pageSize) in its header")
        }
        func be32(_ at: Int) -> UInt32 {
            UInt32(header[at]) << 24 | UInt32(header[at + 1]) << 16 | UInt32(header[at + 2]) << 8
                | UInt32(header[at + 3])
        }
        let pages = Int64(be32(28))
        let headerSizeValid = be32(92) == be32(96) && pages > 0
        let walExists = access(path + "-wal", F_OK) == 0
        if size % pageSize != 0 || (headerSizeValid && !walExists && size < pages * pageSize) {
            let expected = headerSizeValid ? " (its header says \(pages) pages of \(pageSize) bytes)" : ""
            throw StoreError(.corrupt, "store \(path) is truncated: \(size) bytes\(expected); restore it from a "
                + "backup — swept will not modify it")
        }
        return .sqlite
    }
}
