import SweptConfig
import SweptStore
import SweptTuning

/// Where the query verbs read studies from: a store file (`--store`, `StoreQuerySource`) or a running
/// coordinator (`--coordinator URL`, `CoordinatorQuerySource`).
protocol StudyQuerySource {
    /// A one-line description for messages (`store swept.db`).
    var label: String { get }
    /// Every study with its counts and best trial.
    func summaries() async throws -> [StudySummary]
    /// The summary of one study.
    func summary(of study: StudyID) async throws -> StudySummary
    /// The study named `name`, or `nil`.
    func study(named name: String) async throws -> StudyRecord?
    /// The study's trials (optionally only those in `states`), by number.
    func trials(in study: StudyID, states: Set<TrialState>?) async throws -> [StoredTrial]
    /// The `limit` best COMPLETE trials (one objective) or the Pareto front (several), best first.
    func bestTrials(in study: StudyRecord, limit: Int) async throws -> [StoredTrial]
    /// One trial by number, or `nil`.
    func trial(in study: StudyID, number: Int) async throws -> StoredTrial?
    /// The trial's lease (worker, epoch, deadline), or `nil`.
    func lease(of trial: TrialID) async throws -> Lease?
}

extension StudyQuerySource {
    /// The study called `name`, or a user error listing the studies (with a "did you mean").
    func requireStudy(_ name: String) async throws -> StudyRecord {
        if let study = try await study(named: name) { return study }
        let names = try await summaries().map(\.study.name)
        let hint = EditDistance.hint(for: name, among: names)
        let known = names.isEmpty ? "it has no studies" : "studies: " + names.joined(separator: ", ")
        throw CLIFailure.user("no study named '\(name)' in \(label)\(hint); \(known)")
    }
}

/// Reads a store file directly, read-only (safe while a coordinator writes it).
struct StoreQuerySource: StudyQuerySource {
    let store: StudyStore

    /// Opens `path` read-only; a missing file is the user's error.
    init(path: String) throws {
        store = try StudyStore.open(at: path, options: .reader)
    }

    var label: String { "store \(store.path)" }

    func summaries() async throws -> [StudySummary] { try store.summaries() }
    func summary(of study: StudyID) async throws -> StudySummary { try store.summary(of: study) }
    func study(named name: String) async throws -> StudyRecord? { try store.study(named: name) }

    func trials(in study: StudyID, states: Set<TrialState>?) async throws -> [StoredTrial] {
        try store.trials(in: study, states: states)
    }

    func bestTrials(in study: StudyRecord, limit: Int) async throws -> [StoredTrial] {
        if study.directions.count == 1 { return try store.bestTrials(in: study.id, limit: limit) }
        return Array(try store.paretoFront(of: study.id).prefix(limit))
    }

    func trial(in study: StudyID, number: Int) async throws -> StoredTrial? { try store.trial(in: study, number: number) }
    func lease(of trial: TrialID) async throws -> Lease? { try store.lease(of: trial) }
}
