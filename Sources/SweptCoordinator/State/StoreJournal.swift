import Foundation
import SweptStore

/// The coordinator's ordered path into the store: changes are acknowledged once they are in the change log,
/// and applied to SQLite in the background.
///
/// The coordinator decides in memory, then appends the resulting changes here synchronously — so they keep
/// exactly the order they were decided in — and sends the reply only once they are written to the store's
/// change log (`ChangeLog`: one copy per batch into the mapped file, with `synchronous=full` also one
/// `fdatasync`): "durable before reply". `whenDurable` calls back, `wait` suspends.
///
/// Who writes the log (`CommitPlacement`): by default each decision writes its own changes as it appends them
/// (inline: a memory copy into the mapped log, made in decision order since decisions hold the coordinator's
/// lock), so its reply can leave at once; with `leader`, the request that finds no write running writes everything
/// pending on its own thread and sends the replies it covered, while requests arriving meanwhile ride along in
/// its next write; with an fsync per write, one commit thread does it and gathers requests into batches
/// (`CommitGather`), so no serving thread waits for the disk.
///
/// The applier thread commits the logged batches to SQLite at most every `applyInterval`, many batches in one
/// transaction that also records the last applied sequence number; finished log files it covered are deleted
/// (the file being written is kept until it reaches its size limit, or the coordinator stops).
/// After a crash, opening the store replays what the log holds beyond that number.
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
    private var nextSequence: UInt64
    private var logged: UInt64
    private var applied: UInt64
    private var failure: StoreError?
    private var waiters: [Waiter] = []
    /// An empty array with capacity, swapped with `waiters` when a write calls back, so that neither reallocates.
    private var spareWaiters: [Waiter] = []
    private var batchCount = 0
    private var threadRunning = false
    private var committing = false
    private var gather: CommitGather
    private var gathering = false
    private var unapplied: [LoggedBatch] = []
    private var applierRunning = false
    private var flushWaiters: [(UInt64, CheckedContinuation<Void, Never>)] = []

    private let store: StudyStore
    private let log: ChangeLog
    private let placement: CommitPlacement
    private let applyInterval: TimeInterval
    private let clock: @Sendable () -> Double
    private let onFailure: @Sendable (StoreError) -> Void
    private let onApplyErrors: @Sendable ([StoreError]) -> Void
    /// How long the commit and applier threads linger with nothing to do before they exit.
    private let idleExit: TimeInterval = 1

    /// Creates a journal over `store`, numbering changes after the store's last applied one. `onFailure` runs
    /// once if writing the log or applying it fails as a whole (the coordinator must then stop; a restart
    /// replays the log); `onApplyErrors` reports single logged changes the store refused (each rolled back alone).
    init(store: StudyStore, gatherCommits: Bool = true, placement: CommitPlacement = .automatic,
         applyInterval: TimeInterval = CoordinatorSettings.defaultApplyIntervalSeconds,
         clock: @escaping @Sendable () -> Double = SystemClock.now,
         onFailure: @escaping @Sendable (StoreError) -> Void,
         onApplyErrors: @escaping @Sendable ([StoreError]) -> Void = { _ in }) throws {
        gather = CommitGather(enabled: gatherCommits)
        self.store = store
        self.placement = placement.resolved(for: store.options.synchronous)
        self.applyInterval = max(applyInterval, 0)
        self.clock = clock
        self.onFailure = onFailure
        self.onApplyErrors = onApplyErrors
        log = ChangeLog(storePath: store.path, fsync: store.options.synchronous == .full)
        let start = try store.appliedChangeSequence()
        nextSequence = start + 1
        logged = start
        applied = start
    }

    /// Appends changes (in order) and returns their ticket; never blocks on the disk.
    func append(_ mutations: some Collection<StoreMutation>) -> Ticket {
        if mutations.isEmpty { return .empty }
        condition.lock()
        let first = nextSequence
        nextSequence += UInt64(mutations.count)
        let ticket = Ticket(first: first, last: nextSequence - 1)
        if failure != nil {
            // Writing failed: nothing more is written; waiting on this ticket reports the failure.
            condition.unlock()
            return ticket
        }
        if placement == .inline {
            writeInline(LoggedBatch(firstSequence: first, decidedAt: clock(), mutations: Array(mutations)))
            return ticket
        }
        pending.append(contentsOf: mutations)
        if placement == .commitThread {
            if !threadRunning {
                threadRunning = true
                Self.startThread(named: "swept-commit") { [self] in commitLoop() }
            } else {
                condition.broadcast()
            }
        }
        condition.unlock()
        return ticket
    }

    /// Calls `callback` once every change of `ticket` is in the change log — at once (on this thread) when they
    /// already are, else on the thread that writes them — with the write's error or `nil`.
    func whenDurable(_ ticket: Ticket, _ callback: @escaping Callback) {
        if ticket.last < ticket.first {
            callback(nil)
            return
        }
        condition.lock()
        if ticket.last <= logged {
            condition.unlock()
            callback(nil)
            return
        }
        if let failure {
            condition.unlock()
            callback(failure)
            return
        }
        waiters.append(Waiter(ticket: ticket, callback: callback))
        if placement == .leader {
            if committing {
                condition.unlock()  // the running leader's next write covers this ticket
            } else {
                lead()
            }
            return
        }
        if gathering { condition.broadcast() }
        condition.unlock()
    }

    /// Returns once every change of `ticket` is in the change log; throws the write's error.
    func wait(_ ticket: Ticket) async throws {
        let error: StoreError? = await withCheckedContinuation { continuation in
            whenDurable(ticket) { continuation.resume(returning: $0) }
        }
        if let error { throw error }
    }

    /// Returns once every change logged so far is applied to the SQLite store (or applying failed).
    func flush() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            let target = logged
            if applied >= target || failure != nil {
                condition.unlock()
                continuation.resume()
                return
            }
            flushWaiters.append((target, continuation))
            condition.broadcast()
            condition.unlock()
        }
    }

    /// The commit thread: write what is pending, call back, repeat; exit after `idleExit` with nothing to do.
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
            writePendingAndCallBack()
            if failure != nil {
                // Nothing more is written; later waiters get the failure at once.
                threadRunning = false
                condition.unlock()
                return
            }
        }
    }

    /// Leader writes: the caller that finds no write running writes everything pending on its own thread, calls
    /// back every request covered, and repeats while requests that arrived meanwhile are pending. Call with the
    /// lock held; returns with it released.
    private func lead() {
        committing = true
        while !pending.isEmpty, failure == nil {
            writePendingAndCallBack()
        }
        committing = false
        condition.unlock()
    }

    /// Inline placement: writes one decision's batch to the change log now, in sequence order (the caller holds the
    /// lock, taken in `append`), and hands it to the applier. Returns with the lock released.
    private func writeInline(_ batch: LoggedBatch) {
        if let failed = appendToLog(batch) {
            failure = failed
            let waiting = waiters
            waiters.removeAll()
            condition.unlock()
            for waiter in waiting { waiter.callback(failed) }
            // Not on this thread: it holds the coordinator's lock, and stopping closes the socket, which waits for
            // callbacks that may be waiting for that lock.
            DispatchQueue.global().async { [onFailure] in onFailure(failed) }
            return
        }
        markLogged(batch)
        condition.unlock()
    }

    /// Appends a batch to the change log; returns the error, if any (the lock need not be held).
    private func appendToLog(_ batch: LoggedBatch) -> StoreError? {
        do {
            try log.append(batch)
            return nil
        } catch let error as StoreError {
            return error
        } catch {
            return StoreError(.io, "change log: \(error)")
        }
    }

    /// Records a batch as written to the log and hands it to the applier (starting or waking it). Call with the
    /// lock held.
    private func markLogged(_ batch: LoggedBatch) {
        logged = batch.lastSequence
        batchCount += 1
        unapplied.append(batch)
        if !applierRunning {
            applierRunning = true
            Self.startThread(named: "swept-apply") { [self] in applyLoop() }
        } else if unapplied.count == 1 {
            condition.broadcast()  // the applier may be idle-waiting
        }
    }

    /// Writes everything pending to the change log as one batch, then calls back every waiter it covered and
    /// hands the batch to the applier. Call with the lock held; returns with it held.
    private func writePendingAndCallBack() {
        let batch = LoggedBatch(firstSequence: logged + 1, decidedAt: clock(), mutations: pending)
        pending.removeAll(keepingCapacity: true)
        condition.unlock()
        let started = DispatchTime.now().uptimeNanoseconds
        let failed = appendToLog(batch)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds &- started) / 1e9
        condition.lock()
        // The waiters this write covered move to `ready`; the others (tickets written after the write began) stay.
        var ready: [Waiter] = []
        swap(&ready, &spareWaiters)
        swap(&ready, &waiters)
        if let failed {
            failure = failed
            pending.removeAll()
        } else {
            markLogged(batch)
            ready.removeAll { waiter in
                guard waiter.ticket.last > logged else { return false }
                waiters.append(waiter)
                return true
            }
            gather.committed(covered: ready.count, seconds: seconds, workLeft: !pending.isEmpty)
        }
        condition.unlock()
        for waiter in ready { waiter.callback(failed) }
        if let failed { onFailure(failed) }
        ready.removeAll(keepingCapacity: true)
        condition.lock()
        if spareWaiters.capacity < ready.capacity { spareWaiters = ready }
    }

    /// The applier thread: at most every `applyInterval` (sooner when a flush waits), commit every logged batch
    /// to SQLite in one transaction, then delete the log files it covered.
    private func applyLoop() {
        condition.lock()
        var lastApply = Date.distantPast
        while true {
            if unapplied.isEmpty || failure != nil {
                resumeFlushWaiters()
                if failure != nil || !condition.wait(until: Date(timeIntervalSinceNow: idleExit)),
                   unapplied.isEmpty || failure != nil {
                    applierRunning = false
                    resumeFlushWaiters()
                    condition.unlock()
                    return
                }
                continue
            }
            let due = lastApply.addingTimeInterval(applyInterval)
            while flushWaiters.isEmpty, Date() < due, condition.wait(until: due) {}
            let batches = unapplied
            unapplied.removeAll(keepingCapacity: true)
            condition.unlock()
            lastApply = Date()
            var refused: [StoreError] = []
            var failed: StoreError?
            do {
                refused = try store.applyLogged(batches).compactMap { $0 }
            } catch let error as StoreError {
                failed = error
            } catch {
                failed = StoreError(.sqlite, "apply logged changes: \(error)")
            }
            if !refused.isEmpty { onApplyErrors(refused) }
            if let failed {
                condition.lock()
                failure = failed
                condition.unlock()
                onFailure(failed)
            } else if let last = batches.last?.lastSequence {
                log.release(through: last)
            }
            condition.lock()
            if failed == nil, let last = batches.last?.lastSequence { applied = last }
            resumeFlushWaiters()
        }
    }

    /// Resumes the flushes whose target is applied (all of them after a failure); call with the lock held.
    private func resumeFlushWaiters() {
        guard !flushWaiters.isEmpty else { return }
        var still: [(UInt64, CheckedContinuation<Void, Never>)] = []
        for (target, continuation) in flushWaiters {
            if applied >= target || failure != nil { continuation.resume() } else { still.append((target, continuation)) }
        }
        flushWaiters = still
    }

    /// Starts a thread that names itself first: a name given to a `Thread` before `start()` does not reach the
    /// OS thread on Linux, and then `top -H`, `perf` and `/proc/<pid>/task/*/comm` show the creator's name.
    private static func startThread(named name: String, _ body: @escaping @Sendable () -> Void) {
        Thread {
            Thread.current.name = name
            body()
        }.start()
    }

    /// Batches written to the change log so far.
    var batches: Int {
        condition.lock()
        defer { condition.unlock() }
        return batchCount
    }

    /// Waits until everything appended so far is logged and applied, then closes the log (its files are gone
    /// once everything is applied).
    func close() async {
        let last = lastSequence()
        try? await wait(Ticket(first: max(last, 1), last: last))
        await flush()
        log.close(applied: appliedSequence())
    }

    private func appliedSequence() -> UInt64 {
        condition.lock()
        defer { condition.unlock() }
        return applied
    }

    private func lastSequence() -> UInt64 {
        condition.lock()
        defer { condition.unlock() }
        return nextSequence - 1
    }
}
