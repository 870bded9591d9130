import SweptStore

/// Which thread runs the coordinator's store commits.
public enum CommitPlacement: String, Sendable, Equatable, CaseIterable {
    /// `leader` when the store does not fsync each commit (`synchronous` normal or off), `commitThread` when it
    /// does (full).
    case automatic
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
        return synchronous == .full ? .commitThread : .leader
    }
}
