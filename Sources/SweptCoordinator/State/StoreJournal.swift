import Foundation
import SweptStore

/// The coordinator's ordered, group-committed path into the store.
///
/// The coordinator decides in memory, then appends the resulting changes here synchronously — so the store
/// sees them in exactly the order they were decided — and awaits the ticket before replying ("durable before
/// reply").
///
/// Group commit without a commit thread (leader/follower): a waiter that finds no commit in progress becomes the
/// leader and commits everything pending on its own thread; waiters arriving meanwhile queue up, and when the
/// leader is done it wakes those its batch covered and hands leadership to the first one still waiting. An idle
/// coordinator thus commits a request's changes with no thread hand-off at all, and a busy one shares each commit
/// among every request that arrived during the previous one.
final class StoreJournal: @unchecked Sendable {
    /// A position in the journal: the changes of one decision.
    struct Ticket: Sendable {
        let first: UInt64
        let last: UInt64
        static let empty = Ticket(first: 1, last: 0)
    }

    private struct Waiter {
        let last: UInt64
        let continuation: CheckedContinuation<Void, Never>
    }

    // All state below is guarded by `lock`.
    private let lock = NSLock()
    private var pending: [StoreMutation] = []
    private var nextSequence: UInt64 = 1
    private var committed: UInt64 = 0
    private var committing = false
    private var failure: StoreError?
    private var errors: [UInt64: StoreError] = [:]
    private var waiters: [Waiter] = []
    private var batchCount = 0

    private let store: StudyStore
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
        lock.lock()
        defer { lock.unlock() }
        let first = nextSequence
        nextSequence += UInt64(mutations.count)
        pending.append(contentsOf: mutations)
        return Ticket(first: first, last: nextSequence - 1)
    }

    /// Returns once every change of `ticket` is committed; throws the first change's error, or the commit's.
    func wait(_ ticket: Ticket) async throws {
        if ticket.last < ticket.first { return }
        while true {
            switch step(ticket) {
            case .done:
                if let found = takeError(ticket) { throw found }
                return
            case .failed(let error):
                throw error
            case .lead(let batch, let first):
                commit(batch, first: first)
            case .follow:
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    if !enqueue(ticket, continuation) { continuation.resume() }
                }
            }
        }
    }

    private enum Step {
        case done
        case failed(StoreError)
        case lead([StoreMutation], first: UInt64)
        case follow
    }

    private func step(_ ticket: Ticket) -> Step {
        lock.lock()
        defer { lock.unlock() }
        if ticket.last <= committed { return .done }
        if let failure { return .failed(failure) }
        if committing { return .follow }
        committing = true
        let batch = pending
        pending.removeAll(keepingCapacity: true)
        return .lead(batch, first: committed + 1)
    }

    /// Registers a follower; `false` when it need not wait (its ticket got committed, or no one leads now).
    private func enqueue(_ ticket: Ticket, _ continuation: CheckedContinuation<Void, Never>) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if ticket.last <= committed || failure != nil || !committing { return false }
        waiters.append(Waiter(last: ticket.last, continuation: continuation))
        return true
    }

    private func commit(_ batch: [StoreMutation], first: UInt64) {
        let outcome: Result<[StoreError?], StoreError>
        do {
            outcome = .success(try store.applySynchronously(batch))
        } catch let error as StoreError {
            outcome = .failure(error)
        } catch {
            outcome = .failure(StoreError(.sqlite, "commit failed: \(error)"))
        }
        lock.lock()
        committing = false
        var wake: [CheckedContinuation<Void, Never>] = []
        var failed: StoreError?
        switch outcome {
        case .success(let results):
            for (offset, error) in results.enumerated() {
                if let error { errors[first + UInt64(offset)] = error }
            }
            committed = first + UInt64(batch.count) - 1
            batchCount += 1
            let done = committed
            wake = waiters.filter { $0.last <= done }.map(\.continuation)
            waiters.removeAll { $0.last <= done }
            // The first one still waiting leads the next commit.
            if !waiters.isEmpty { wake.append(waiters.removeFirst().continuation) }
        case .failure(let error):
            failure = error
            failed = error
            pending.removeAll()
            wake = waiters.map(\.continuation)
            waiters.removeAll()
        }
        lock.unlock()
        for continuation in wake { continuation.resume() }
        if let failed { onFailure(failed) }
    }

    /// Removes and returns the first recorded error among the ticket's changes.
    private func takeError(_ ticket: Ticket) -> StoreError? {
        lock.lock()
        defer { lock.unlock() }
        guard !errors.isEmpty else { return nil }
        var found: StoreError?
        for sequence in ticket.first...ticket.last {
            if let error = errors.removeValue(forKey: sequence), found == nil { found = error }
        }
        return found
    }

    private func lastSequence() -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        return nextSequence - 1
    }

    /// Batches committed so far.
    var batches: Int {
        lock.lock()
        defer { lock.unlock() }
        return batchCount
    }

    /// Waits until everything appended so far is committed.
    func close() async {
        let last = lastSequence()
        try? await wait(Ticket(first: max(last, 1), last: last))
    }
}
