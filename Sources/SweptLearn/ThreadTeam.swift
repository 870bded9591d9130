import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fixed team of threads for fork–join work inside one training run: `run` hands out the parts of a job — part 0
/// to the caller, each other part to whichever thread claims it first (a persistent helper, or the caller once its
/// own part is done) — and returns when every part is done.
///
/// Parts are claimed through one atomic ticket (job generation and next part), so a helper that the scheduler
/// keeps off the CPU does not stall the job: the caller runs the parts nobody claimed. A hand-off costs well under
/// a microsecond while the helpers are awake: they spin on the ticket for a short while after each job (then yield
/// the core between checks) before they sleep on a condition variable, so the hand-offs of every training step
/// never pay a wake-up, and a run that pauses (evaluation, callbacks) does not keep a core busy. A part computes
/// the same values whichever thread runs it, so results are deterministic.
final class ThreadTeam: @unchecked Sendable {
    /// Number of threads (the caller plus the helpers), and the usual number of parts per job.
    let parts: Int
    /// Job generation (bits 32 and up), the job's part count (bits 16–31) and the next unclaimed part (bits 0–15).
    private let ticket = Atomic<Int>(0)
    private let completed = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let running = Atomic<Int>(0)
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// The current job; written by the caller before it publishes the ticket, read by a helper only after it
    /// claimed a part (so the job cannot change under it: the caller waits for every claimed part).
    private nonisolated(unsafe) var job: ((Int) -> Void)?
    private var generation = 0

    /// Starts `parts - 1` helper threads (none for one part). A helper that cannot be started leaves its share to
    /// the others.
    init(parts: Int) {
        self.parts = max(parts, 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
        for _ in 1..<self.parts {
            let context = Unmanaged.passRetained(self).toOpaque()
            var thread = pthread_t()
            running.add(1, ordering: .sequentiallyConsistent)
            if pthread_create(&thread, nil, helperEntry, context) == 0 {
                pthread_detach(thread)
            } else {
                running.add(-1, ordering: .sequentiallyConsistent)
                Unmanaged<ThreadTeam>.fromOpaque(context).release()
            }
        }
    }

    /// Checks of an atomic (about a nanosecond each) before a waiting thread starts yielding its core.
    static let busySpins = 50_000

    /// Stops the helpers and waits for them to leave. Call it when the run ends (the helpers keep the team alive).
    func shutdown() {
        guard !stopping.exchange(true, ordering: .sequentiallyConsistent) else { return }
        pthread_mutex_lock(mutex)
        generation += 1
        ticket.store(generation << 32, ordering: .sequentiallyConsistent)
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
        while running.load(ordering: .sequentiallyConsistent) > 0 { sched_yield() }
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Calls `body(part)` once for every part in `0..<count` (by default one per thread) and returns when all are
    /// done. Parts must touch disjoint memory (or only read shared memory).
    func run(parts count: Int? = nil, _ body: (Int) -> Void) {
        let count = min(count ?? parts, 0xFFFF)
        guard parts > 1, count > 1 else {
            for part in 0..<count { body(part) }
            return
        }
        withoutActuallyEscaping(body) { escapable in
            job = escapable
            completed.store(0, ordering: .sequentiallyConsistent)
            generation += 1
            let current = generation
            // Part 0 is the caller's own (published as already claimed): a helper that spins on the ticket would
            // otherwise often win it while the caller is still publishing, and the parts would change threads
            // from one job to the next — and with them the cache lines each part keeps reading and writing.
            pthread_mutex_lock(mutex)
            ticket.store(current << 32 | count << 16 | 1, ordering: .sequentiallyConsistent)
            pthread_cond_broadcast(condition)
            pthread_mutex_unlock(mutex)
            body(0)
            completed.add(1, ordering: .sequentiallyConsistent)
            while let part = claim(generation: current) {
                body(part)
                completed.add(1, ordering: .sequentiallyConsistent)
            }
            // Parts are short (tens of microseconds): spin without giving up the core first, since a yield on a
            // busy machine can cost a whole time slice; yield only when a helper is clearly held up.
            var spins = 0
            while completed.load(ordering: .sequentiallyConsistent) < count {
                spins += 1
                if spins > ThreadTeam.busySpins { sched_yield() }
            }
            job = nil
        }
    }

    /// Claims the next part of job `generation`, or returns nil when that job has no unclaimed part left.
    private func claim(generation: Int) -> Int? {
        var value = ticket.load(ordering: .sequentiallyConsistent)
        while value >> 32 == generation {
            let part = value & 0xFFFF
            guard part < (value >> 16) & 0xFFFF else { return nil }
            let (exchanged, original) = ticket.compareExchange(
                expected: value, desired: value + 1, ordering: .sequentiallyConsistent)
            if exchanged { return part }
            value = original
        }
        return nil
    }

    /// A helper's loop: wait for a new job, claim and run its parts, repeat until stopped.
    fileprivate func helperLoop() {
        var seen = 0
        while true {
            var current = ticket.load(ordering: .sequentiallyConsistent) >> 32
            var spins = 0
            // Spin for a few tens of microseconds, then yield between checks for a while, then sleep until the
            // next job.
            while current == seen, spins < ThreadTeam.busySpins + 20_000 {
                spins += 1
                if spins > ThreadTeam.busySpins { sched_yield() }
                current = ticket.load(ordering: .sequentiallyConsistent) >> 32
            }
            if current == seen {
                pthread_mutex_lock(mutex)
                current = ticket.load(ordering: .sequentiallyConsistent) >> 32
                while current == seen {
                    pthread_cond_wait(condition, mutex)
                    current = ticket.load(ordering: .sequentiallyConsistent) >> 32
                }
                pthread_mutex_unlock(mutex)
            }
            seen = current
            if stopping.load(ordering: .sequentiallyConsistent) { break }
            while let part = claim(generation: current) {
                job?(part)
                completed.add(1, ordering: .sequentiallyConsistent)
            }
        }
        running.add(-1, ordering: .sequentiallyConsistent)
    }
}

#if canImport(Glibc)
private func helperEntry(_ raw: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    guard let raw else { return nil }
    Unmanaged<ThreadTeam>.fromOpaque(raw).takeRetainedValue().helperLoop()
    return nil
}
#else
private func helperEntry(_ raw: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
    Unmanaged<ThreadTeam>.fromOpaque(raw).takeRetainedValue().helperLoop()
    return nil
}
#endif
