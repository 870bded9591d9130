import Foundation
import GRDB

/// What opening the store replayed from a change log left by a coordinator that stopped without applying it.
public struct ChangeLogReplay: Sendable, Equatable {
    /// Changes applied from the log.
    public var changes = 0
    /// Log files read (and then deleted).
    public var files = 0
    /// Changes that could not be applied (each rolled back alone), with the reason.
    public var failures: [String] = []
    /// Bytes after the last whole record (a write torn by a power loss; never acknowledged).
    public var tornBytes = 0

    /// Whether there was anything to replay.
    public var isEmpty: Bool { files == 0 }
}

extension StudyStore {
    /// The sequence number of the last change-log change the store holds (0 when none).
    public func appliedChangeSequence() throws -> UInt64 {
        try read("read the applied change-log sequence") { db in try Self.appliedSequence(db) }
    }

    static func appliedSequence(_ db: Database) throws -> UInt64 {
        UInt64(try Int64.fetchOne(db, sql: "SELECT applied FROM swept_change_log WHERE id = 1") ?? 0)
    }

    /// Counts one more coordinator start and returns the new count (1 for the first), committed with an fsync
    /// whatever the store's `synchronous` setting, so that no later power loss can hand the same number out twice.
    public func beginCoordinatorGeneration() throws -> Int {
        guard committer != nil, let pool = reader as? DatabasePool else {
            throw StoreError(.readOnly, "begin a coordinator generation: store \(path) was opened read-only")
        }
        do {
            return try pool.writeWithoutTransaction { db -> Int in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                defer { try? db.execute(sql: "PRAGMA synchronous = \(options.synchronous.rawValue)") }
                try db.inTransaction(.immediate) {
                    try db.execute(sql: "UPDATE swept_change_log SET generation = generation + 1 WHERE id = 1")
                    return .commit
                }
                return try Int.fetchOne(db, sql: "SELECT generation FROM swept_change_log WHERE id = 1") ?? 0
            }
        } catch {
            throw StoreError.wrap(error, path: path, doing: "begin a coordinator generation")
        }
    }

    /// Applies logged batches in one transaction and records the last one's sequence number as applied in the
    /// same transaction. A change that fails is rolled back alone; its error is returned at its index (flattened
    /// over the batches), `nil` for success.
    /// - Throws: when the transaction itself cannot commit (nothing of it is then in the store).
    public func applyLogged(_ batches: [LoggedBatch]) throws -> [StoreError?] {
        guard committer != nil, let pool = reader as? DatabasePool else {
            throw StoreError(.readOnly, "apply logged changes: store \(path) was opened read-only")
        }
        do {
            return try pool.writeWithoutTransaction { db in try Self.applyLogged(batches, db, path: path) }
        } catch {
            throw StoreError.wrap(error, path: path, doing: "commit logged changes")
        }
    }

    static func applyLogged(_ batches: [LoggedBatch], _ db: Database, path: String) throws -> [StoreError?] {
        guard let lastSequence = batches.last?.lastSequence else { return [] }
        let count = batches.reduce(0) { $0 + $1.mutations.count }
        var mutations: [StoreMutation] = []
        var times: [Double] = []
        mutations.reserveCapacity(count)
        times.reserveCapacity(count)
        for batch in batches {
            mutations += batch.mutations
            times += repeatElement(batch.decidedAt, count: batch.mutations.count)
        }
        // The last step records the applied sequence number and moves the best-trials watermark once for the whole
        // transaction (its finishes defer it).
        var errors = try applyTogether(mutations, db, path: path, doing: "apply logged change", last: { db in
            try BestTable.moveWatermarkToNewest(db)
            try db.cachedStatement(sql: "UPDATE swept_change_log SET applied = ? WHERE id = 1")
                .execute(arguments: [Int64(bitPattern: lastSequence)])
        }, deferBestWatermark: true) { times[$0] }
        errors.removeLast()
        return errors
    }

    /// Applies every logged change beyond the store's applied sequence number, then deletes the log files.
    static func replayChangeLog(_ pool: DatabasePool, path: String) throws -> ChangeLogReplay {
        let files = ChangeLog.segmentPaths(storePath: path)
        var report = ChangeLogReplay()
        guard !files.isEmpty else { return report }
        try pool.writeWithoutTransaction { db in
            var applied = try appliedSequence(db)
            for file in files {
                let (batches, torn) = try ChangeLog.read(segment: file)
                report.tornBytes += torn
                let pending = batches.compactMap { batch -> LoggedBatch? in
                    guard batch.lastSequence > applied else { return nil }
                    let skip = batch.firstSequence > applied ? 0 : Int(applied - batch.firstSequence + 1)
                    return LoggedBatch(firstSequence: batch.firstSequence + UInt64(skip),
                                       decidedAt: batch.decidedAt, mutations: Array(batch.mutations.dropFirst(skip)))
                }
                let errors = try applyLogged(pending, db, path: path)
                report.changes += errors.count
                report.failures += errors.compactMap { $0.map(\.message) }
                applied = pending.last?.lastSequence ?? applied
            }
        }
        for file in files { unlink(file) }
        report.files = files.count
        return report
    }
}
