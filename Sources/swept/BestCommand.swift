import ArgumentParser
import SweptStore
import SweptTuning

/// `swept best STUDY`: the best trial(s), or the Pareto front of a multi-objective study.
struct BestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "best",
        abstract: "Show the best trial (or the top K, or the Pareto front of several objectives).",
        discussion: """
            Examples:
              swept best fashion-mlp --store swept.db
              swept best fashion-mlp --top 5
              swept best fashion-mlp --json    # [{"number": 17, "value": 0.91, "params": {...}, ...}]
            """
    )

    @Argument(help: "The study's name.") var study: String
    @Option(name: .long, help: "How many trials to show, best first.") var top: Int = 1
    @OptionGroup var options: QueryOptions

    func validate() throws {
        if top < 1 { throw ValidationError("--top: expected a number >= 1, got \(top)") }
    }

    func run() async throws {
        try await CLIFailure.reporting {
            let source = try options.source()
            let record = try await source.requireStudy(study)
            let objectives = record.directions.count
            let best = try await source.bestTrials(in: record, limit: objectives == 1 ? top : max(top, 1_000_000))
                .map(\.trial)
            if options.json {
                let objects = best.map { JSONText.object(TrialPresentation.json($0, objectives: objectives)) }
                emit(JSONText.array(objects).rendered())
                return
            }
            guard !best.isEmpty else {
                throw CLIFailure.user("study \(record.name) has no complete trial yet")
            }
            let style = TerminalStyle.standardOutput
            if objectives == 1, top == 1, let trial = best.first {
                emit(Self.block(record, trial).rendered(style: style))
                return
            }
            if objectives > 1 { emit("Pareto front of \(record.name) (\(best.count) trials):") }
            emit(TrialPresentation.table(best, style: style).rendered(style: style))
        }
    }

    /// The best trial of a one-objective study as a key-value block (study, trial, value, params, duration).
    static func block(_ record: StudyRecord, _ trial: FrozenTrial) -> KeyValueBlock {
        let style = TerminalStyle.standardOutput
        var block = KeyValueBlock()
        block.add("study", "\(record.name) (\(TrialPresentation.directions(record.directions)))")
        block.add("trial", "\(trial.number)")
        block.add("value", style.green(TrialPresentation.values(trial)))
        for name in trial.params.keys.sorted() {
            block.add("  " + name, TrialPresentation.param(trial.params[name] ?? .null))
        }
        block.add("duration", TimeText.duration(TrialPresentation.duration(trial)))
        return block
    }
}
