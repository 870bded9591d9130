import Foundation
import SweptStore

/// The coordinator's ordered, group-committed path into the store.
///
/// The coordinator decides in memory, then appends the resulting changes here synchronously — so the store
/// sees them in exactly the order they were decided — and sends the reply only once the changes are committed
/// ("durable before reply"): `whenDurable` calls back, `wait` suspends.
///
/// One commit thread (`CommitThread`) does every commit: it takes everything pending, applies it in one
/// transaction (with `synchronous=full`, one fsync), then calls back every request the batch covered. Requests
/// that arrive while it commits are appended meanwhile and go together into the next commit, so a busy
/// coordinator shares each fsync among all of them, and no request-serving thread ever blocks in the
/// store: they keep decoding and deciding while the disk works. The thread exits after a second with nothing to
/// commit and is started again by the next append.
final class StoreJournal: @unchecked Sendable {
    /// A position in the journal: the changes of one decision.
    struct Ticket: Sendable {
        let first: UInt64
        let last: UInt64
        static let empty = Ticket(first: 1, last: 0)
    }

    typealias Callback = @Sendable (StoreError?) -> Void

    private struct Waiter {
        let ticket: Ticket
        let callback: Callback
    }

    // All state below is guarded by `condition`.
    private let condition = NSCondition()
    private var pending: [StoreMutation] = []
    private var nextSequence: UInt64 = 1
    private var committed: UInt64 = 0
    private var failure: StoreError?
    private var errors: [UInt64: StoreError] = [:]
    private var waiters: [Waiter] = []
    private var batchCount = 0
    private var threadRunning = false
    private var gather: CommitGather
    private var gathering = false

    private let store: StudyStore
    private let onFailure: @Sendable (StoreError) -> Void
    /// How long the commit thread lingers with nothing to do before it exits.
    private let idleExit: TimeInterval = 1

    /// Creates a journal over `store`; `onFailure` runs once if a commit fails (the memory is then ahead of the
    /// store, and the coordinator must stop and be restarted from the store).
    init(store: StudyStore, gatherCommits: Bool = true, onFailure: @escaping @Sendable (StoreError) -> Void) {
        gather = CommitGather(enabled: gatherCommits)
        self.store = store
        self.onFailure = onFailure
    }

    /// Appends changes (in order) and returns their ticket; never blocks on the store.
    func append(_ mutations: [StoreMutation]) -> Ticket {
        if mutations.isEmpty { return .empty }
        condition.lock()
        let first = nextSequence
        nextSequence += UInt64(mutations.count)
        let ticket = Ticket(first: first, last: nextSequence - 1)
        if failure != nil {
            // A commit failed: nothing more is written; waiting on this ticket reports the failure.
            condition.unlock()
            return ticket
        }
        pending.append(contentsOf: mutations)
        if !threadRunning {
            threadRunning = true
            let thread = Thread { [self] in commitLoop() }
            thread.name = "swept-commit"
            thread.start()
        } else {
            condition.signal()
        }
        condition.unlock()
        return ticket
    }

    /// Calls `callback` once every change of `ticket` is committed — at once (on this thread) when they already
    /// are, else on the commit thread — with the first change's error or the commit's, or `nil`.
    func whenDurable(_ ticket: Ticket, _ callback: @escaping Callback) {
        if ticket.last < ticket.first {
            callback(nil)
            return
        }
        condition.lock()
        if ticket.last <= committed {
            let error = takeError(ticket)
            condition.unlock()
            callback(error)
            return
        }
        if let failure {
            condition.unlock()
            callback(failure)
            return
        }
        waiters.append(Waiter(ticket: ticket, callback: callback))
        if gathering { condition.signal() }
        condition.unlock()
    }

    /// Returns once every change of `ticket` is committed; throws the first change's error, or the commit's.
    func wait(_ ticket: Ticket) async throws {
        let error: StoreError? = await withCheckedContinuation { continuation in
            whenDurable(ticket) { continuation.resume(returning: $0) }
        }
        if let error { throw error }
    }

    /// The commit thread: commit what is pending, call back, repeat; exit after `idleExit` with nothing to do.
    private func commitLoop() {
        condition.lock()
        while true {
            if pending.isEmpty {
                if !condition.wait(until: Date(timeIntervalSinceNow: idleExit)), pending.isEmpty {
                    threadRunning = false
                    condition.unlock()
                    return
                }
                continue
            }
            let plan = gather.plan(waiting: waiters.count)
            if plan.count > waiters.count {
                gathering = true
                let deadline = Date(timeIntervalSinceNow: plan.seconds)
                while waiters.count < plan.count, condition.wait(until: deadline) {}
                gathering = false
                if waiters.count < plan.count { gather.fellShort(probing: plan.probing) }
            }
            let batch = pending
            pending.removeAll(keepingCapacity: true)
            let first = committed + 1
            condition.unlock()
            let started = DispatchTime.now().uptimeNanoseconds
            let outcome = apply(batch)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds &- started) / 1e9
            condition.lock()
            var ready: [(Callback, StoreError?)] = []
            var failed: StoreError?
            switch outcome {
            case .success(let results):
                for (offset, error) in results.enumerated() {
                    if let error { errors[first + UInt64(offset)] = error }
                }
                committed = first + UInt64(batch.count) - 1
                batchCount += 1
                let done = committed
                var still: [Waiter] = []
                still.reserveCapacity(waiters.count)
                for waiter in waiters {
                    if waiter.ticket.last <= done {
                        ready.append((waiter.callback, takeError(waiter.ticket)))
                    } else {
                        still.append(waiter)
                    }
                }
                waiters = still
                gather.committed(covered: ready.count, seconds: seconds, workLeft: !pending.isEmpty)
            case .failure(let error):
                failure = error
                failed = error
                pending.removeAll()
                ready = waiters.map { ($0.callback, error) }
                waiters.removeAll()
            }
            condition.unlock()
            for (callback, error) in ready { callback(error) }
            if let failed { onFailure(failed) }
            condition.lock()
            if failure != nil {
                // Nothing more is committed; later waiters get the failure at once.
                threadRunning = false
                condition.unlock()
                return
            }
        }
    }

    private func apply(_ batch: [StoreMutation]) -> Result<[StoreError?], StoreError> {
        do {
            return .success(try store.applySynchronously(batch))
        } catch let error as StoreError {
            return .failure(error)
        } catch {
            return .failure(StoreError(.sqlite, "commit failed: \(error)"))
        }
    }

    /// Removes and returns the first recorded error among the ticket's changes; call with the lock held.
    private func takeError(_ ticket: Ticket) -> StoreError? {
        guard !errors.isEmpty else { return nil }
        var found: StoreError?
        for sequence in ticket.first...ticket.last {
            if let error = errors.removeValue(forKey: sequence), found == nil { found = error }
        }
        return found
    }

    /// Batches committed so far.
    var batches: Int {
        condition.lock()
        defer { condition.unlock() }
        return batchCount
    }

    /// Waits until everything appended so far is committed.
    func close() async {
        let last = lastSequence()
        try? await wait(Ticket(first: max(last, 1), last: last))
    }

    private func lastSequence() -> UInt64 {
        condition.lock()
        defer { condition.unlock() }
        return nextSequence - 1
    }
}
