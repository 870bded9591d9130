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
/// A change is acknowledged once it is written here (one copy into the file's shared mapping per batch; with
/// `synchronous=full` also one `fdatasync`); a background applier then commits many batches to SQLite in one
/// transaction and records the last applied sequence number in `swept_change_log` within it. Opening the store
/// for writing replays whatever the log holds beyond that number (after a crash), so the store never misses an
/// acknowledged change.
///
/// Files are `<store>-changes.<first sequence>`; a new one starts every `segmentBytes`, and a file is deleted
/// once every change in it is applied. Records: magic `SWCL`, payload length, first sequence, change count,
/// decision time, FNV-1a checksum of the payload, payload (`MutationCodec`). A torn tail (power loss mid-write)
/// fails its checksum and ends the replay there.
///
/// Each file's blocks are reserved when it starts (`posix_fallocate`) and the file is mapped shared: a record is
/// copied into the page cache without a system call, and it survives the process (`kill -9`) as a `write` would;
/// because the blocks are reserved, a full disk fails the start of a file, never a copy. A file that was not
/// closed (a crash) ends in zeros, which a replay reads as the end, not as a torn tail; closing trims it.
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
        /// The active file's mapping, `mappedBytes` long (the file's reserved size).
        var mapping: UnsafeMutableRawPointer?
        var mappedBytes = 0
        var activeBytes = 0
        /// The buffer each record is built in.
        var record = LogWriter(capacity: 4096)
    }

    static let magic: UInt32 = 0x4C43_5753  // "SWCL"
    static let headerBytes = 36

    /// A log for the store at `storePath`; `fsync` syncs every append (power-loss durable acknowledgements).
    public init(storePath: String, fsync: Bool, segmentBytes: Int = 16 << 20) {
        self.storePath = storePath
        sync = fsync
        self.segmentBytes = max(segmentBytes, 4096)
    }

    deinit {
        state.withLock { Self.closeActive(&$0) }
    }

    /// Appends one batch with one copy into the mapped file (and `fdatasync` when syncing). Returns once the bytes
    /// are in the file's pages: from then on a crash of this process cannot lose them.
    public func append(_ batch: LoggedBatch) throws {
        try state.withLock { state in
            // Appends are serialized anyway (one writer at a time), so the record is built in a buffer reused
            // from one append to the next.
            state.record.removeAll()
            state.record.u32(Self.magic)
            state.record.u32(0)
            state.record.u64(batch.firstSequence)
            state.record.u32(UInt32(batch.mutations.count))
            state.record.double(batch.decidedAt)
            state.record.u64(0)
            for mutation in batch.mutations { MutationCodec.encode(mutation, into: &state.record) }
            let payload = state.record.bytes.count - Self.headerBytes
            state.record.patchU32(UInt32(payload), at: 4)
            state.record.patchU64(LogChecksum.of(state.record.bytes[Self.headerBytes...]), at: 28)
            let bytes = state.record.bytes.count
            if state.mapping == nil || state.activeBytes + bytes > state.mappedBytes {
                try startSegment(&state, firstSequence: batch.firstSequence, atLeast: bytes)
            }
            guard let mapping = state.mapping else {
                throw StoreError(.io, "change log \(storePath): no file is mapped for writing")
            }
            state.record.bytes.withUnsafeBytes { raw in
                guard let source = raw.baseAddress else { return }
                (mapping + state.activeBytes).copyMemory(from: source, byteCount: raw.count)
            }
            if sync, fdatasync(state.descriptor) != 0 {
                throw StoreError(.io, "change log \(state.active?.path ?? storePath): fdatasync failed: "
                    + String(cString: strerror(errno)))
            }
            state.activeBytes += bytes
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
            Self.closeActive(&state)
        }
        release(through: applied)
    }

    /// Unmaps the active file, trims its unused reserved tail and closes it; it joins the finished files.
    private static func closeActive(_ state: inout State) {
        if let mapping = state.mapping { munmap(mapping, state.mappedBytes) }
        if state.descriptor >= 0 {
            _ = ftruncate(state.descriptor, off_t(state.activeBytes))
            Glibc.close(state.descriptor)
        }
        if let active = state.active { state.closed.append(active) }
        state.mapping = nil
        state.mappedBytes = 0
        state.descriptor = -1
        state.active = nil
        state.activeBytes = 0
    }

    /// Starts a new file for records from `firstSequence`, reserved and mapped for `segmentBytes` (or `atLeast`).
    private func startSegment(_ state: inout State, firstSequence: UInt64, atLeast: Int) throws {
        Self.closeActive(&state)
        let path = "\(storePath)-changes.\(firstSequence)"
        func failure(_ doing: String, _ code: Int32) -> StoreError {
            StoreError(.io, "change log \(path): cannot \(doing): \(String(cString: strerror(code)))")
        }
        // Exclusive: an earlier file of this name was replayed and deleted when the store opened.
        let descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure("create", errno) }
        let size = max(segmentBytes, atLeast)
        let reserved = posix_fallocate(descriptor, 0, off_t(size))
        guard reserved == 0 else {
            Glibc.close(descriptor)
            unlink(path)
            throw failure("reserve \(size) bytes", reserved)
        }
        guard let mapping = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0),
              mapping != MAP_FAILED else {
            let code = errno
            Glibc.close(descriptor)
            unlink(path)
            throw failure("map \(size) bytes", code)
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
        state.mapping = mapping
        state.mappedBytes = size
        state.active = Segment(path: path, firstSequence: firstSequence, lastSequence: firstSequence - 1)
        state.activeBytes = 0
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
        // A file that was not closed ends in its reserved zeros: only bytes up to the last nonzero one are torn.
        let end = bytes[offset...].lastIndex { $0 != 0 }.map { $0 + 1 } ?? offset
        return (batches, end - offset)
    }
}
