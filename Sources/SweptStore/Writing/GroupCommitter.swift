import Dispatch
import GRDB
import Synchronization

/// The store's single writer. Callers submit operations from any task; the committer runs every operation that
/// is waiting in one write transaction, commits once, and only then completes each caller. While one batch
/// commits (and fsyncs, under `synchronous=FULL`), the next batch gathers, so throughput grows with
/// concurrency while every acknowledged operation is durable.
///
/// An operation that throws does not sink its batch: the batch is rolled back and replayed with every
/// operation in its own savepoint, so the failing one gets its error and the others commit. A failed COMMIT
/// (disk full, I/O error) fails every operation of the batch; the database keeps its last committed state.
final class GroupCommitter: Sendable {
    /// One submitted operation: `run` executes inside the batch transaction; `finish` completes the caller.
    private struct Pending {
        let run: @Sendable (Database) throws -> Void
        let finish: @Sendable (StoreError?) -> Void
    }

    private struct State {
        var queue: [Pending] = []
        var draining = false
        var closed = false
        var batches = 0
        var operations = 0
    }

    /// Counters for benchmarks and diagnostics.
    struct Statistics: Sendable, Equatable {
        /// Transactions committed.
        var batches: Int
        /// Operations completed (successfully or not).
        var operations: Int
    }

    private let writer: DatabasePool
    private let path: String
    private let maxBatch: Int
    private let state = Mutex(State())
    private let dispatch = DispatchQueue(label: "swept.store.group-commit")
    private let drained = Mutex<[CheckedContinuation<Void, Never>]>([])

    init(writer: DatabasePool, path: String, maxBatch: Int) {
        self.writer = writer
        self.path = path
        self.maxBatch = max(1, maxBatch)
    }

    /// Runs `body` in the next group commit and returns its result once the batch has committed.
    func submit<T: Sendable>(_ operation: String,
                             _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let box = ResultBox<T>()
        let path = self.path
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let pending = Pending(
                run: { db in
                    do {
                        box.value = try body(db)
                    } catch {
                        throw StoreError.wrap(error, path: path, doing: operation)
                    }
                },
                finish: { error in
                    if let error {
                        continuation.resume(throwing: error)
                    } else if let value = box.value {
                        continuation.resume(returning: value)
                    } else {
                        continuation.resume(throwing: StoreError(.sqlite, "\(operation) on \(path) produced no result"))
                    }
                })
            let start = state.withLock { s -> Bool? in
                if s.closed { return nil }
                s.queue.append(pending)
                if s.draining { return false }
                s.draining = true
                return true
            }
            switch start {
            case nil:
                continuation.resume(throwing: StoreError(.closed, "\(operation): store \(path) is closed"))
            case true?:
                dispatch.async { self.drain() }
            case false?:
                break
            }
        }
    }

    /// Refuses new operations and waits until every submitted one has been committed and completed.
    func close() async {
        let idle = state.withLock { s -> Bool in
            s.closed = true
            return !s.draining
        }
        if idle { return }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let stillBusy = state.withLock { s -> Bool in
                if s.draining { drained.withLock { $0.append(c) } }
                return s.draining
            }
            if !stillBusy { c.resume() }
        }
    }

    /// Batches and operations so far.
    var statistics: Statistics {
        state.withLock { Statistics(batches: $0.batches, operations: $0.operations) }
    }

    private func drain() {
        while true {
            let batch = state.withLock { s -> [Pending] in
                if s.queue.isEmpty {
                    s.draining = false
                    for c in drained.withLock({ w in defer { w.removeAll() }; return w }) { c.resume() }
                    return []
                }
                let take = min(s.queue.count, maxBatch)
                let batch = Array(s.queue.prefix(take))
                s.queue.removeFirst(take)
                return batch
            }
            if batch.isEmpty { return }
            let errors = commit(batch)
            state.withLock {
                $0.batches += 1
                $0.operations += batch.count
            }
            for (pending, error) in zip(batch, errors) { pending.finish(error) }
        }
    }

    /// Runs one batch; returns one error (or nil) per operation.
    private func commit(_ batch: [Pending]) -> [StoreError?] {
        do {
            return try writer.writeWithoutTransaction { db -> [StoreError?] in
                try BatchTransaction.run(db, count: batch.count, path: path, doing: "write") { index, db in
                    try batch[index].run(db)
                }
            }
        } catch {
            let wrapped = StoreError.wrap(error, path: path, doing: "commit")
            return Array(repeating: wrapped, count: batch.count)
        }
    }
}

/// Carries an operation's result from the writer thread to its caller.
private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
