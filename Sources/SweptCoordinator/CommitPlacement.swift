import SweptStore

/// Which thread runs the coordinator's store commits.
public enum CommitPlacement: String, Sendable, Equatable, CaseIterable {
    /// `inline` when the store does not fsync each commit (`synchronous` normal or off), `commitThread` when it
    /// does (full).
    case automatic
    /// Each decision writes its own changes to the change log as it is made, under the coordinator's lock, and
    /// its reply leaves at once from the thread that decided it. The log is a memory copy into a mapped file
    /// (no system call), so there is nothing to batch: no waiting for another request's write, and replies are
    /// sent by as many threads as requests arrive on.
    case inline
    /// The request that finds no commit running commits everything pending on its own thread (nng's callback
    /// thread), then sends the replies it covered; requests arriving meanwhile ride along in its next commit.
    /// No thread hand-off per request: the cheapest path when a commit costs tens of microseconds.
    case leader
    /// One dedicated commit thread commits and sends the replies, gathering requests into batches
    /// (`CoordinatorSettings.gatherCommits`): with an fsync per commit, no serving thread waits for the disk.
    case commitThread = "commit-thread"

    /// The concrete placement for a store opened with `synchronous`.
    func resolved(for synchronous: StoreOptions.Synchronous) -> CommitPlacement {
        guard self == .automatic else { return self }
        return synchronous == .full ? .commitThread : .inline
    }
}
