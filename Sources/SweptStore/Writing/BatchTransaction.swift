import GRDB

/// One group commit: a batch of operations in a single IMMEDIATE transaction.
///
/// Fast path: every operation runs in the transaction with no savepoints (compiling SAVEPOINT/RELEASE per
/// operation costs more than a small operation itself) and the batch commits once. When one operation fails, the
/// batch is rolled back and replayed with each operation in its own savepoint, so only the failing ones are undone
/// and the rest still commit together.
enum BatchTransaction {
    /// Runs operations `0..<count` through `operation`; returns one error (or nil) per operation. `rolledBack`
    /// runs when the fast path is rolled back, before the operations are replayed one savepoint each.
    /// - Throws: when the transaction itself cannot begin or commit (then nothing of the batch is written).
    static func run(
        _ db: Database, count: Int, path: String, doing: String, rolledBack: () -> Void = {},
        operation: (Int, Database) throws -> Void
    ) throws -> [StoreError?] {
        try db.beginTransaction(.immediate)
        var failed = false
        for index in 0..<count {
            do { try operation(index, db) } catch {
                failed = true
                break
            }
        }
        if !failed {
            try commit(db)
            return Array(repeating: nil, count: count)
        }
        try db.rollback()
        rolledBack()
        try db.beginTransaction(.immediate)
        var errors: [StoreError?] = []
        errors.reserveCapacity(count)
        for index in 0..<count {
            do {
                try db.inSavepoint {
                    try operation(index, db)
                    return .commit
                }
                errors.append(nil)
            } catch {
                errors.append(StoreError.wrap(error, path: path, doing: doing))
            }
        }
        try commit(db)
        return errors
    }

    /// Commits, rolling back what is left of the transaction when the commit fails.
    private static func commit(_ db: Database) throws {
        do {
            try db.commit()
        } catch {
            if db.isInsideTransaction { try? db.rollback() }
            throw error
        }
    }
}
