import Foundation

/// The last bytes a child wrote to one of its streams, kept for failure reasons.
final class OutputTail: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    func append(_ chunk: ArraySlice<UInt8>) {
        lock.lock()
        defer { lock.unlock() }
        bytes.append(contentsOf: chunk)
        if bytes.count > limit { bytes.removeFirst(bytes.count - limit) }
    }

    /// The tail as text, trimmed, with `…` in front when older output was dropped.
    var text: String {
        lock.lock()
        defer { lock.unlock() }
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return bytes.count >= limit ? "…" + text : text
    }
}

/// Reads a file descriptor to its end on a thread of its own.
enum DescriptorReader {
    /// Calls `chunk` with each block read from `fd`, then `done` at end of file; closes `fd`.
    static func start(_ fd: Int32, chunk: @escaping @Sendable (ArraySlice<UInt8>) -> Void,
                      done: @escaping @Sendable () -> Void) {
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 8192)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                if count <= 0 { break }
                chunk(buffer[0..<count])
            }
            close(fd)
            done()
        }
    }
}

/// Splits a byte stream into lines (`\n`-terminated; a last unterminated line is flushed at the end).
final class LineSplitter: @unchecked Sendable {
    private var pending: [UInt8] = []
    private let lock = NSLock()

    /// The complete lines in `chunk` together with what was pending.
    func lines(in chunk: ArraySlice<UInt8>) -> [String] {
        lock.lock()
        defer { lock.unlock() }
        var lines: [String] = []
        for byte in chunk {
            if byte == UInt8(ascii: "\n") {
                lines.append(String(decoding: pending, as: UTF8.self))
                pending.removeAll(keepingCapacity: true)
            } else if pending.count < 65_536 {
                pending.append(byte)
            }
        }
        return lines
    }

    /// The last unterminated line, if any.
    func flush() -> String? {
        lock.lock()
        defer { lock.unlock() }
        guard !pending.isEmpty else { return nil }
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }
}
