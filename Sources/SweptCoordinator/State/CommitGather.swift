/// When the commit thread should wait a little for more requests before committing, so that requests from
/// different workers share one commit (one fsync) instead of each paying for its own.
///
/// With every worker keeping one request in flight, commits otherwise fall into a pattern where each covers one
/// request while the next one arrives during it, and the disk's sync rate caps the whole cluster. The policy:
/// - aim for as many requests as the largest batch among the last 16 commits (`target`);
/// - when the last commit ended with work already waiting (requests queue behind the disk), also try one more
///   than the last batch, which is how batches grow from one; a try that times out is not repeated for the next
///   64 commits, so a lone worker is not kept waiting;
/// - wait at most as long as the last commit took (capped at 1 ms), so gathering at most doubles a commit's
///   latency while it can multiply the requests each commit serves;
/// - never wait when the last commit took under 200 µs (no fsync): then waiting costs more than a commit.
struct CommitGather {
    /// Commits faster than this are not worth waiting for others (measured: with synchronous=normal a commit
    /// takes ~50 µs and gathering lowered 2-worker throughput; with full, 300 µs to several ms).
    static let worthGathering = 0.000_2
    /// `false`: commit as soon as anything is pending.
    var enabled: Bool
    private var recent = [Int](repeating: 0, count: 16)
    private var slot = 0
    private var lastCovered = 0
    private var workLeft = false
    private var probeBackoff = 0
    private var lastCommitSeconds = 0.0

    init(enabled: Bool) {
        self.enabled = enabled
    }

    /// How many waiting requests to gather before committing, and for how long at most; `count <= waiting`
    /// means commit now.
    func plan(waiting: Int) -> (count: Int, seconds: Double, probing: Bool) {
        // A cheap commit (no fsync: synchronous=normal/off) costs less than the wait would: commit now.
        guard enabled, lastCommitSeconds >= Self.worthGathering else { return (0, 0, false) }
        let settled = recent.max() ?? 0
        var count = settled
        var probing = false
        if workLeft, probeBackoff == 0, lastCovered + 1 > count {
            count = lastCovered + 1
            probing = true
        }
        return (count, min(lastCommitSeconds, 0.001), probing)
    }

    /// Records a gather that ended with fewer requests than planned.
    mutating func fellShort(probing: Bool) {
        if probing { probeBackoff = 64 }
    }

    /// Records a commit: how many waiting requests it covered, how long it took, whether work was left.
    mutating func committed(covered: Int, seconds: Double, workLeft: Bool) {
        recent[slot] = covered
        slot = (slot + 1) % recent.count
        lastCovered = covered
        lastCommitSeconds = seconds
        self.workLeft = workLeft
        if probeBackoff > 0 { probeBackoff -= 1 }
    }
}
