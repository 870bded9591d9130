import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// The study store: one SQLite file in Optuna 5.0's schema plus swept's `swept_` tables.
///
/// Open it for writing (`StoreOptions()`) in exactly one process — the coordinator; others are refused with the
/// holder's host and pid. Open it read-only (`.reader`) anywhere to query it while a study runs. Writes are
/// `async` and group-committed: each returns only after its transaction is durable. Queries are synchronous
/// and run on a pool of reader connections concurrently with writes.
public final class StudyStore: Sendable {
    /// The database file.
    public let path: String
    /// The options the store was opened with.
    public let options: StoreOptions
    let reader: any DatabaseReader
    let committer: GroupCommitter?
    private let lock: WriterLock?
    let clock: @Sendable () -> Double
    /// What opening the store for writing replayed from a coordinator's change log (empty when there was none).
    public let changeLogReplay: ChangeLogReplay

    private init(path: String, options: StoreOptions, reader: any DatabaseReader, committer: GroupCommitter?,
                 lock: WriterLock?, clock: @escaping @Sendable () -> Double,
                 changeLogReplay: ChangeLogReplay = ChangeLogReplay()) {
        self.changeLogReplay = changeLogReplay
        self.path = path
        self.options = options
        self.reader = reader
        self.committer = committer
        self.lock = lock
        self.clock = clock
    }

    /// Opens (creating when missing) the store at `path`.
    ///
    /// - Throws: `StoreError` with `.locked` (another writer holds it; the message names host and pid),
    ///   `.notADatabase`, `.corrupt`, `.newerSchema`, `.incompatibleSchema` or `.readOnly`. In every refusal the
    ///   file is left untouched.
    public static func open(at path: String, options: StoreOptions = StoreOptions(),
                            clock: @escaping @Sendable () -> Double = SystemClock.now) throws -> StudyStore {
        if options.readOnly { return try openReader(path: path, options: options, clock: clock) }
        let lock = try WriterLock.acquire(storePath: path, now: clock())
        do {
            let fileState = try FileCheck.check(path)
            var found = SchemaInspection.empty
            if fileState == .sqlite {
                var config = Configuration()
                config.readonly = true
                let probe = try DatabaseQueue(path: path, configuration: config)
                found = try probe.read { try SchemaInspection.inspect($0, path: path) }
                try probe.close()
            }
            var config = Configuration()
            config.maximumReaderCount = options.maximumReaderCount
            config.busyMode = .timeout(5)
            config.prepareDatabase { db in try Self.tune(db) }
            let pool = try DatabasePool(path: path, configuration: config)
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = \(options.synchronous.rawValue)")
            }
            let current: Int
            switch found {
            case .empty, .optunaOnly: current = 0
            case .swept(let version): current = version
            }
            try Migrator.migrate(pool, from: current, now: clock())
            let replay = try replayChangeLog(pool, path: path)
            try pool.write { db in try BestTable.rebuildIfStale(db) }
            let committer = GroupCommitter(writer: pool, path: path, maxBatch: options.maxBatchOperations)
            return StudyStore(path: path, options: options, reader: pool, committer: committer, lock: lock,
                              clock: clock, changeLogReplay: replay)
        } catch {
            lock.release()
            throw StoreError.wrap(error, path: path, doing: "open")
        }
    }

    private static func openReader(path: String, options: StoreOptions,
                                   clock: @escaping @Sendable () -> Double) throws -> StudyStore {
        do {
            guard try FileCheck.check(path) == .sqlite else {
                throw StoreError(.invalidValue, "store \(path) does not exist (or is empty); nothing to read")
            }
            var config = Configuration()
            config.readonly = true
            config.busyMode = .timeout(5)
            config.prepareDatabase { db in try Self.tune(db) }
            config.maximumReaderCount = options.maximumReaderCount
            let reader: any DatabaseReader
            let isWAL = try DatabaseQueue(path: path, configuration: config).read {
                try String.fetchOne($0, sql: "PRAGMA journal_mode") == "wal"
            }
            reader = isWAL ? try DatabasePool(path: path, configuration: config)
                : try DatabaseQueue(path: path, configuration: config)
            _ = try reader.read { try SchemaInspection.inspect($0, path: path) }
            return StudyStore(path: path, options: options, reader: reader, committer: nil, lock: nil, clock: clock)
        } catch {
            throw StoreError.wrap(error, path: path, doing: "open read-only")
        }
    }

    /// Per-connection settings: memory-mapped reads and a 64 MiB page cache make whole-study loads fast.
    private static func tune(_ db: Database) throws {
        try db.execute(sql: "PRAGMA mmap_size = 1073741824")
        try db.execute(sql: "PRAGMA cache_size = -65536")
    }

    /// Waits for pending writes to commit, then closes the connections and releases the writer lock.
    public func close() async throws {
        await committer?.close()
        do {
            if let pool = reader as? DatabasePool {
                try pool.close()
            } else if let queue = reader as? DatabaseQueue {
                try queue.close()
            }
        } catch {
            throw StoreError.wrap(error, path: path, doing: "close")
        }
        lock?.release()
    }

    /// The store's clock reading (seconds since 1970 UTC): the time its writes record.
    public func currentTime() -> Double { clock() }

    /// Group-commit counters (zero for a read-only store).
    public var commitStatistics: (batches: Int, operations: Int) {
        let s = committer?.statistics
        return (s?.batches ?? 0, s?.operations ?? 0)
    }

    /// Runs `body` in the next group commit (writers only).
    func write<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        guard let committer else {
            throw StoreError(.readOnly, "\(operation): store \(path) was opened read-only")
        }
        return try await committer.submit(operation, body)
    }

    /// Runs a query on a reader connection, translating errors.
    func read<T>(_ operation: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try reader.read(body)
        } catch {
            throw StoreError.wrap(error, path: path, doing: operation)
        }
    }
}

/// Wall-clock time in seconds since 1970, UTC.
public enum SystemClock {
    /// The current time.
    @Sendable public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
