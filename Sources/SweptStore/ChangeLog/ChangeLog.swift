import Foundation
import Synchronization

/// One batch of changes as the change log holds it: consecutive sequence numbers from `firstSequence`, decided
/// at `decidedAt` (seconds since 1970 UTC; event and completion times use it, so a replay writes the same rows).
public struct LoggedBatch: Sendable {
    /// The sequence number of the first change.
    public let firstSequence: UInt64
    /// When the batch was decided.
    public let decidedAt: Double
    /// The changes, in order.
    public let mutations: [StoreMutation]

    /// The sequence number of the last change.
    public var lastSequence: UInt64 { firstSequence + UInt64(mutations.count) - 1 }

    /// Creates a batch.
    public init(firstSequence: UInt64, decidedAt: Double, mutations: [StoreMutation]) {
        self.firstSequence = firstSequence
        self.decidedAt = decidedAt
        self.mutations = mutations
    }
}

/// The coordinator's change log: an append-only file next to the store that holds every acknowledged change
/// until the store has applied it.
///
/// A change is acknowledged once it is written here (one `write` per batch; with `synchronous=full` also one
/// `fdatasync`); a background applier then commits many batches to SQLite in one transaction and records the
/// last applied sequence number in `swept_change_log` within it. Opening the store for writing replays whatever
/// the log holds beyond that number (after a crash), so the store never misses an acknowledged change.
///
/// Files are `<store>-changes.<first sequence>`; a new one starts every `segmentBytes`, and a file is deleted
/// once every change in it is applied. Records: magic `SWCL`, payload length, first sequence, change count,
/// decision time, FNV-1a checksum of the payload, payload (`MutationCodec`). A torn tail (power loss mid-write)
/// fails its checksum and ends the replay there.
public final class ChangeLog: Sendable {
    /// The store this log belongs to.
    public let storePath: String
    private let sync: Bool
    private let segmentBytes: Int
    private let state = Mutex<State>(State())

    private struct Segment {
        let path: String
        let firstSequence: UInt64
        var lastSequence: UInt64
    }

    private struct State {
        var closed: [Segment] = []
        var active: Segment?
        var descriptor: Int32 = -1
        var activeBytes = 0
    }

    static let magic: UInt32 = 0x4C43_5753  // "SWCL"
    static let headerBytes = 36

    /// A log for the store at `storePath`; `fsync` syncs every append (power-loss durable acknowledgements).
    public init(storePath: String, fsync: Bool, segmentBytes: Int = 16 << 20) {
        self.storePath = storePath
        sync = fsync
        self.segmentBytes = max(segmentBytes, 4096)
    }

    /// Appends one batch with a single write (and `fdatasync` when syncing). Returns once the bytes are in the
    /// file: from then on a crash of this process cannot lose them.
    public func append(_ batch: LoggedBatch) throws {
        var out = LogWriter(capacity: 64 + batch.mutations.count * 96)
        out.u32(Self.magic)
        out.u32(0)
        out.u64(batch.firstSequence)
        out.u32(UInt32(batch.mutations.count))
        out.double(batch.decidedAt)
        out.u64(0)
        for mutation in batch.mutations { MutationCodec.encode(mutation, into: &out) }
        let payload = out.bytes.count - Self.headerBytes
        out.patchU32(UInt32(payload), at: 4)
        out.patchU64(LogChecksum.of(out.bytes[Self.headerBytes...]), at: 28)
        let bytes = out.bytes
        try state.withLock { state in
            if state.descriptor < 0 || state.activeBytes >= segmentBytes {
                try startSegment(&state, firstSequence: batch.firstSequence)
            }
            try Self.writeAll(state.descriptor, bytes, path: state.active?.path ?? storePath)
            if sync, fdatasync(state.descriptor) != 0 {
                throw StoreError(.io, "change log \(state.active?.path ?? storePath): fdatasync failed: "
                    + String(cString: strerror(errno)))
            }
            state.activeBytes += bytes.count
            state.active?.lastSequence = batch.lastSequence
        }
    }

    /// Deletes the finished files (not the one being written) whose every change is at or below `applied`:
    /// the store holds them now.
    public func release(through applied: UInt64) {
        state.withLock { state in
            state.closed.removeAll { segment in
                guard segment.lastSequence <= applied else { return false }
                unlink(segment.path)
                return true
            }
        }
    }

    /// Closes the file being written; then deletes every file whose changes are all at or below `applied`.
    public func close(applied: UInt64) {
        state.withLock { state in
            if state.descriptor >= 0 { Glibc.close(state.descriptor) }
            state.descriptor = -1
            if let active = state.active { state.closed.append(active) }
            state.active = nil
            state.activeBytes = 0
        }
        release(through: applied)
    }

    private func startSegment(_ state: inout State, firstSequence: UInt64) throws {
        if state.descriptor >= 0 {
            Glibc.close(state.descriptor)
            if let active = state.active { state.closed.append(active) }
        }
        let path = "\(storePath)-changes.\(firstSequence)"
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw StoreError(.io, "change log \(path): cannot create: \(String(cString: strerror(errno)))")
        }
        if sync {
            // The new file's directory entry must survive a power loss too.
            let directory = open((path as NSString).deletingLastPathComponent.isEmpty
                                 ? "." : (path as NSString).deletingLastPathComponent, O_RDONLY | O_CLOEXEC)
            if directory >= 0 {
                _ = fsync(directory)
                Glibc.close(directory)
            }
        }
        state.descriptor = descriptor
        state.active = Segment(path: path, firstSequence: firstSequence, lastSequence: firstSequence - 1)
        state.activeBytes = 0
    }

    private static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                write(descriptor, raw.baseAddress.map { $0 + offset }, bytes.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw StoreError(.io, "change log \(path): write failed: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }
}

extension ChangeLog {
    /// The log files of the store at `storePath`, oldest first.
    static func segmentPaths(storePath: String) -> [String] {
        let directory = (storePath as NSString).deletingLastPathComponent
        let prefix = (storePath as NSString).lastPathComponent + "-changes."
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? []
        let numbered = names.compactMap { name -> (UInt64, String)? in
            guard name.hasPrefix(prefix), let first = UInt64(name.dropFirst(prefix.count)) else { return nil }
            return (first, directory.isEmpty ? name : directory + "/" + name)
        }
        return numbered.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// The batches of one log file, and the bytes after the last whole record (a torn tail), if any.
    static func read(segment path: String) throws -> (batches: [LoggedBatch], tornBytes: Int) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StoreError(.io, "change log \(path): cannot read")
        }
        let bytes = [UInt8](data)
        var batches: [LoggedBatch] = []
        var offset = 0
        while offset < bytes.count {
            var header = LogReader(bytes[offset...])
            guard let magic = try? header.u32(), magic == Self.magic,
                  let length = try? header.u32(), let first = try? header.u64(), let count = try? header.u32(),
                  let decidedAt = try? header.double(), let checksum = try? header.u64(),
                  bytes.count - offset - Self.headerBytes >= Int(length)
            else { break }
            let payloadStart = offset + Self.headerBytes
            let payload = bytes[payloadStart..<(payloadStart + Int(length))]
            guard LogChecksum.of(payload) == checksum else { break }
            var reader = LogReader(payload)
            var mutations: [StoreMutation] = []
            mutations.reserveCapacity(Int(count))
            let context = "change log \(path), record at byte \(offset)"
            do {
                for _ in 0..<count { mutations.append(try MutationCodec.decode(&reader, context: context)) }
            } catch is LogReader.Truncated {
                throw StoreError(.corrupt, "\(context): the record's checksum matches but its changes do not decode "
                    + "(written by a different swept?); move the file aside to open the store without its changes")
            }
            if !mutations.isEmpty {
                batches.append(LoggedBatch(firstSequence: first, decidedAt: decidedAt, mutations: mutations))
            }
            offset = payloadStart + Int(length)
        }
        return (batches, bytes.count - offset)
    }
}
