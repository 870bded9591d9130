import SweptStore
import Synchronization

/// The coordinator's ordered, group-committed path into the store.
///
/// The coordinator decides in memory, then appends the resulting changes here synchronously — so the store
/// sees them in exactly the order they were decided — and awaits the ticket before replying ("durable before
/// reply"). One flush task drains everything appended while the previous batch was committing into the next
/// batch, so many concurrent requests share one commit.
final class StoreJournal: Sendable {
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

    private struct State {
        var pending: [StoreMutation] = []
        var nextSequence: UInt64 = 1
        var committed: UInt64 = 0
        var flushing = false
        var failure: StoreError?
        var errors: [UInt64: StoreError] = [:]
        var waiters: [Waiter] = []
        var batches = 0
    }

    private let store: StudyStore
    private let state = Mutex(State())
    private let onFailure: @Sendable (StoreError) -> Void

    /// Creates a journal over `store`; `onFailure` runs once if a commit fails (the memory is then ahead of the
    /// store, and the coordinator must stop and be restarted from the store).
    init(store: StudyStore, onFailure: @escaping @Sendable (StoreError) -> Void) {
        self.store = store
        self.onFailure = onFailure
    }

    /// Appends changes (in order) and returns their ticket; never suspends.
    func append(_ mutations: [StoreMutation]) -> Ticket {
        if mutations.isEmpty { return .empty }
        let (ticket, startFlush) = state.withLock { s -> (Ticket, Bool) in
            let first = s.nextSequence
            s.nextSequence += UInt64(mutations.count)
            s.pending.append(contentsOf: mutations)
            let start = !s.flushing && s.failure == nil
            if start { s.flushing = true }
            return (Ticket(first: first, last: s.nextSequence - 1), start)
        }
        if startFlush { Task { await self.flush() } }
        return ticket
    }

    /// Returns once every change of `ticket` is committed; throws the first change's error, or the commit's.
    func wait(_ ticket: Ticket) async throws {
        if ticket.last < ticket.first { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let outcome = state.withLock { s -> Result<Void, any Error>? in
                if ticket.last <= s.committed { return Self.result(for: ticket, in: &s) }
                if let failure = s.failure { return .failure(failure) }
                s.waiters.append(Waiter(last: ticket.last, continuation: continuation))
                return nil
            }
            if let outcome { continuation.resume(with: outcome) }
        }
        // Errors of individual changes are reported after the wait, outside the lock.
        let error = state.withLock { s -> StoreError? in
            var found: StoreError?
            for sequence in ticket.first...ticket.last {
                if let error = s.errors.removeValue(forKey: sequence), found == nil { found = error }
            }
            return found
        }
        if let error { throw error }
    }

    /// Batches committed so far.
    var batches: Int { state.withLock { $0.batches } }

    /// Waits until everything appended so far is committed (for shutdown).
    func drain() async {
        let last = state.withLock { $0.nextSequence - 1 }
        try? await wait(Ticket(first: last == 0 ? 1 : last, last: last))
    }

    private static func result(for ticket: Ticket, in state: inout State) -> Result<Void, any Error> {
        .success(())
    }

    private func flush() async {
        while true {
            let (batch, first) = state.withLock { s -> ([StoreMutation], UInt64) in
                let batch = s.pending
                s.pending.removeAll(keepingCapacity: true)
                if batch.isEmpty { s.flushing = false }
                return (batch, s.committed + 1)
            }
            if batch.isEmpty { return }
            let outcome: Result<[StoreError?], StoreError>
            do {
                outcome = .success(try await store.apply(batch))
            } catch let error as StoreError {
                outcome = .failure(error)
            } catch {
                outcome = .failure(StoreError(.sqlite, "commit failed: \(error)"))
            }
            switch outcome {
            case .success(let errors):
                let ready = state.withLock { s -> [CheckedContinuation<Void, any Error>] in
                    for (offset, error) in errors.enumerated() {
                        if let error { s.errors[first + UInt64(offset)] = error }
                    }
                    s.committed = first + UInt64(batch.count) - 1
                    s.batches += 1
                    let committed = s.committed
                    let done = s.waiters.filter { $0.last <= committed }.map(\.continuation)
                    s.waiters.removeAll { $0.last <= committed }
                    return done
                }
                for continuation in ready { continuation.resume() }
            case .failure(let error):
                let waiters = state.withLock { s -> [CheckedContinuation<Void, any Error>] in
                    s.failure = error
                    s.flushing = false
                    defer { s.waiters.removeAll() }
                    return s.waiters.map(\.continuation)
                }
                for continuation in waiters { continuation.resume(throwing: error) }
                onFailure(error)
                return
            }
        }
    }
}
