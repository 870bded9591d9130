import Dispatch

/// Splits elementwise work over the run's threads. Each element is computed by the same code whatever the split, so
/// results do not depend on it (determinism holds); small ranges run inline to avoid the hand-off cost.
struct ParallelLoop: Sendable {
    /// Threads to use (the run's BLAS thread count: the cores it was given).
    let threads: Int
    /// Ranges shorter than this run on the calling thread.
    let minimumCount: Int

    init(threads: Int, minimumCount: Int = 16_384) {
        self.threads = max(threads, 1)
        self.minimumCount = minimumCount
    }

    /// Calls `body` on disjoint subranges covering `0..<count`, in parallel when worthwhile.
    func run(count: Int, _ body: (Range<Int>) -> Void) {
        guard threads > 1, count >= minimumCount else {
            body(0..<count)
            return
        }
        let parts = threads
        // Chunk boundaries on multiples of 16 elements keep vector loops aligned to the same lanes.
        let chunk = ((count + parts - 1) / parts + 15) / 16 * 16
        withoutActuallyEscaping(body) { escapable in
            // The parts touch disjoint ranges of the caller's buffers, which outlive this call.
            let box = UncheckedBody(body: escapable)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let start = min(part * chunk, count)
                let end = min(start + chunk, count)
                if start < end { box.body(start..<end) }
            }
        }
    }
}

/// Carries a loop body over pointers into `concurrentPerform`; safe because the parts write disjoint ranges.
private struct UncheckedBody: @unchecked Sendable {
    let body: (Range<Int>) -> Void
}

/// Runs two independent pieces of work, on two threads when `threads` > 1 (the caller takes one and, if no other
/// thread is free, both). The pieces must touch disjoint memory; each computes the same values either way.
func runPair(threads: Int, _ first: () -> Void, _ second: () -> Void) {
    guard threads > 1 else {
        first()
        second()
        return
    }
    withoutActuallyEscaping(first) { first in
        withoutActuallyEscaping(second) { second in
            let one = UncheckedWork(body: first)
            let two = UncheckedWork(body: second)
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                if index == 0 { one.body() } else { two.body() }
            }
        }
    }
}

/// Carries a piece of work into `concurrentPerform`; safe because `runPair`'s pieces touch disjoint memory.
private struct UncheckedWork: @unchecked Sendable {
    let body: () -> Void
}
