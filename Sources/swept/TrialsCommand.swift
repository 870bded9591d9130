import ArgumentParser
import Foundation
import SweptStore
import SweptTuning

/// `swept trials STUDY`: a study's trials, filtered by state, sorted and limited.
struct TrialsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trials",
        abstract: "List a study's trials, optionally filtered by state, sorted and limited.",
        discussion: """
            Examples:
              swept trials fashion-mlp --store swept.db
              swept trials fashion-mlp --state complete --sort value --limit 10
              swept trials fashion-mlp --state pruned,fail --json
            """
    )

    /// Sort keys.
    enum SortKey: String, ExpressibleByArgument, CaseIterable {
        case number, value, duration, started
    }

    @Argument(help: "The study's name.") var study: String

    @Option(name: .long, help: ArgumentHelp(
        "Only trials in these states (comma-separated): complete, pruned, fail, running, waiting.",
        valueName: "states"))
    var state: String?

    @Option(name: .long, help: "Sort by number (default), value (best first), duration (longest first) or started.")
    var sort: SortKey = .number

    @Option(name: .long, help: "Show at most this many trials.") var limit: Int?

    @OptionGroup var options: QueryOptions

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit: expected a number >= 1, got \(limit)") }
    }

    func run() async throws {
        try await CLIFailure.reporting {
            let states = try state.map(Self.parseStates)
            let source = try options.source()
            let record = try await source.requireStudy(study)
            var trials = try await source.trials(in: record.id, states: states).map(\.trial)
            trials = Self.sorted(trials, by: sort, direction: record.directions[0])
            if let limit { trials = Array(trials.prefix(limit)) }
            if options.json {
                let objectives = record.directions.count
                let objects = trials.map { JSONText.object(TrialPresentation.json($0, objectives: objectives)) }
                emit(JSONText.array(objects).rendered())
                return
            }
            guard !trials.isEmpty else {
                emit("no trials" + (state.map { " in state \($0)" } ?? "") + " in study \(record.name)")
                return
            }
            emit(TrialPresentation.table(trials, style: .standardOutput).rendered(style: .standardOutput))
        }
    }

    /// `complete,pruned` → the states; unknown names are a user error with a "did you mean".
    static func parseStates(_ text: String) throws -> Set<TrialState> {
        var states = Set<TrialState>()
        let names = TrialState.allCases.map { $0.rawValue.lowercased() }
        for part in text.split(separator: ",") {
            let name = part.trimmingCharacters(in: .whitespaces).lowercased()
            guard let state = TrialState(rawValue: name.uppercased()) else {
                throw CLIFailure.user("--state: unknown state '\(name)'; expected one or more of "
                    + names.joined(separator: ", "))
            }
            states.insert(state)
        }
        guard !states.isEmpty else { throw CLIFailure.user("--state: expected at least one state") }
        return states
    }

    /// Sorts by `key`; by value, the best come first for `direction` and trials without a value last.
    static func sorted(_ trials: [FrozenTrial], by key: SortKey, direction: StudyDirection) -> [FrozenTrial] {
        switch key {
        case .number:
            return trials.sorted { $0.number < $1.number }
        case .started:
            return trials.sorted { ($0.startedAt ?? .infinity, $0.number) < ($1.startedAt ?? .infinity, $1.number) }
        case .duration:
            return trials.sorted {
                (TrialPresentation.duration($0) ?? -1, -$0.number) > (TrialPresentation.duration($1) ?? -1, -$1.number)
            }
        case .value:
            return trials.sorted { a, b in
                switch (a.value, b.value) {
                case let (x?, y?) where x != y && !x.isNaN && !y.isNaN: return direction.isBetter(x, than: y)
                case (_?, nil): return true
                case (nil, _?): return false
                default: return a.number < b.number
                }
            }
        }
    }
}
