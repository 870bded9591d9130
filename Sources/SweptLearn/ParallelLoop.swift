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
