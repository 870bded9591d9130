import Foundation
import SweptStore

/// The coordinator's ordered, group-committed path into the store.
///
/// The coordinator decides in memory, then appends the resulting changes here synchronously — so the store
/// sees them in exactly the order they were decided — and awaits the ticket before replying ("durable before
/// reply"). One commit thread drains everything appended while the previous batch was committing into the next
/// batch, so many concurrent requests share one commit, and a request costs one thread hand-off, not several.
final class StoreJournal: @unchecked Sendable {
    /// A position in the journal: the changes of one decision.
    struct Ticket: Sendable {
        let first: UInt64
        let last: UInt64
        static let empty = Ticket(first: 1, last: 0)
    }

    private struct Waiter {
        let last: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    // All state below is guarded by `condition`.
    private let condition = NSCondition()
    private var pending: [StoreMutation] = []
    private var nextSequence: UInt64 = 1
    private var committed: UInt64 = 0
    private var failure: StoreError?
    private var errors: [UInt64: StoreError] = [:]
    private var waiters: [Waiter] = []
    private var closed = false
    private var finished = false
    private var batchCount = 0

    private let store: StudyStore
    private let onFailure: @Sendable (StoreError) -> Void

    /// Creates a journal over `store` and starts its commit thread; `onFailure` runs once if a commit fails (the
    /// memory is then ahead of the store, and the coordinator must stop and be restarted from the store).
    init(store: StudyStore, onFailure: @escaping @Sendable (StoreError) -> Void) {
        self.store = store
        self.onFailure = onFailure
        let thread = Thread { [self] in commitLoop() }
        thread.name = "swept.journal"
        thread.start()
    }

    /// Appends changes (in order) and returns their ticket; never suspends.
    func append(_ mutations: [StoreMutation]) -> Ticket {
        if mutations.isEmpty { return .empty }
        condition.lock()
        defer { condition.unlock() }
        let first = nextSequence
        nextSequence += UInt64(mutations.count)
        pending.append(contentsOf: mutations)
        condition.signal()
        return Ticket(first: first, last: nextSequence - 1)
    }

    /// Returns once every change of `ticket` is committed; throws the first change's error, or the commit's.
    func wait(_ ticket: Ticket) async throws {
        if ticket.last < ticket.first { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            condition.lock()
            if ticket.last <= committed {
                condition.unlock()
                continuation.resume()
            } else if let failure {
                condition.unlock()
                continuation.resume(throwing: failure)
            } else {
                waiters.append(Waiter(last: ticket.last, continuation: continuation))
                condition.unlock()
            }
        }
        if let found = takeError(ticket) { throw found }
    }

    /// Removes and returns the first recorded error among the ticket's changes.
    private func takeError(_ ticket: Ticket) -> StoreError? {
        condition.lock()
        defer { condition.unlock() }
        var found: StoreError?
        if !errors.isEmpty {
            for sequence in ticket.first...ticket.last {
                if let error = errors.removeValue(forKey: sequence), found == nil { found = error }
            }
        }
        return found
    }

    private func lastSequence() -> UInt64 {
        condition.lock()
        defer { condition.unlock() }
        return nextSequence - 1
    }

    private func markClosed() {
        condition.lock()
        closed = true
        condition.signal()
        condition.unlock()
    }

    /// Batches committed so far.
    var batches: Int {
        condition.lock()
        defer { condition.unlock() }
        return batchCount
    }

    /// Waits until everything appended so far is committed, then stops the commit thread.
    func close() async {
        let last = lastSequence()
        try? await wait(Ticket(first: max(last, 1), last: last))
        markClosed()
    }

    private func commitLoop() {
        while true {
            condition.lock()
            while pending.isEmpty && !closed { condition.wait() }
            if pending.isEmpty {
                finished = true
                condition.unlock()
                return
            }
            let batch = pending
            pending.removeAll(keepingCapacity: true)
            let first = committed + 1
            condition.unlock()

            let outcome: Result<[StoreError?], StoreError>
            do {
                outcome = .success(try store.applySynchronously(batch))
            } catch let error as StoreError {
                outcome = .failure(error)
            } catch {
                outcome = .failure(StoreError(.sqlite, "commit failed: \(error)"))
            }

            condition.lock()
            var ready: [CheckedContinuation<Void, any Error>] = []
            var failed: StoreError?
            switch outcome {
            case .success(let results):
                for (offset, error) in results.enumerated() {
                    if let error { errors[first + UInt64(offset)] = error }
                }
                committed = first + UInt64(batch.count) - 1
                batchCount += 1
                let done = committed
                ready = waiters.filter { $0.last <= done }.map(\.continuation)
                waiters.removeAll { $0.last <= done }
            case .failure(let error):
                failure = error
                failed = error
                closed = true
                pending.removeAll()
                ready = waiters.map(\.continuation)
                waiters.removeAll()
            }
            condition.unlock()
            if let failed {
                for continuation in ready { continuation.resume(throwing: failed) }
                onFailure(failed)
                condition.lock()
                finished = true
                condition.unlock()
                return
            }
            for continuation in ready { continuation.resume() }
        }
    }
}
