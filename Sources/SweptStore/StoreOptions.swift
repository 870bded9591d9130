/// How a store is opened.
public struct StoreOptions: Sendable, Equatable {
    /// SQLite's `synchronous` setting for the writer connection.
    public enum Synchronous: String, Sendable, CaseIterable {
        /// No fsync: fastest, an OS crash may lose or corrupt recent commits. Tests and throwaway studies only.
        case off = "OFF"
        /// WAL default: an OS crash or power loss may lose the last commits, never corrupts.
        case normal = "NORMAL"
        /// fsync on every commit: an acknowledged write survives power loss. The default.
        case full = "FULL"
    }

    /// Whether the store is opened for queries only (no lock, no migrations, no writes).
    public var readOnly: Bool
    /// The writer's durability level; `.full` by default.
    public var synchronous: Synchronous
    /// The most operations one group commit may hold.
    public var maxBatchOperations: Int
    /// How many concurrent reader connections the pool may open.
    public var maximumReaderCount: Int

    /// Options for a coordinator: read-write, `synchronous=FULL`.
    public init(readOnly: Bool = false, synchronous: Synchronous = .full, maxBatchOperations: Int = 8192,
                maximumReaderCount: Int = 4) {
        self.readOnly = readOnly
        self.synchronous = synchronous
        self.maxBatchOperations = maxBatchOperations
        self.maximumReaderCount = maximumReaderCount
    }

    /// Options for querying a store another process may be writing.
    public static var reader: StoreOptions { StoreOptions(readOnly: true) }
}
