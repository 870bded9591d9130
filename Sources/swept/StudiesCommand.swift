import ArgumentParser
import SweptStore
import SweptTuning

/// `swept studies`: every study in a store with its trial counts and best value.
struct StudiesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "studies",
        abstract: "List the studies in a store with their trial counts and best values.",
        discussion: """
            Examples:
              swept studies --store swept.db
              swept studies --store swept.db --json
            """
    )

    @OptionGroup var options: QueryOptions

    func run() async throws {
        try await CLIFailure.reporting {
            let source = try options.source()
            let summaries = try await source.summaries().sorted { $0.study.id < $1.study.id }
            if options.json {
                emit(JSONText.array(summaries.map { .object(Self.json($0)) }).rendered())
                return
            }
            let style = TerminalStyle.standardOutput
            guard !summaries.isEmpty else {
                emit("no studies in \(source.label)")
                return
            }
            var table = TextTable([
                ("NAME", .left), ("DIRECTION", .left), ("TRIALS", .right), ("COMPLETE", .right), ("PRUNED", .right),
                ("FAIL", .right), ("RUNNING", .right), ("BEST", .right), ("STARTED", .left),
            ])
            for summary in summaries {
                table.add([
                    summary.study.name, TrialPresentation.directions(summary.study.directions), "\(summary.trialCount)",
                    "\(summary.counts[.complete] ?? 0)", "\(summary.counts[.pruned] ?? 0)",
                    "\(summary.counts[.fail] ?? 0)", "\(summary.counts[.running] ?? 0)",
                    summary.bestTrial.map { TrialPresentation.values($0.trial) } ?? "-",
                    TimeText.short(summary.startedAt),
                ])
            }
            emit(table.rendered(style: style))
        }
    }

    /// The study object of `swept studies --json`.
    static func json(_ summary: StudySummary) -> [(String, JSONText)] {
        let objectives = summary.study.directions.count
        return [
            ("name", .string(summary.study.name)),
            ("id", .int(Int(summary.study.id.rawValue))),
            ("directions", TrialPresentation.directionsJSON(summary.study.directions)),
            ("trials", TrialPresentation.countsJSON(summary.counts)),
            ("best", summary.bestTrial.map { .object(TrialPresentation.json($0.trial, objectives: objectives)) }
                ?? .null),
            ("started_at", .timestamp(summary.startedAt)),
        ]
    }
}
