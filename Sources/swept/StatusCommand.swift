import ArgumentParser
import Foundation
import SweptStore
import SweptTuning

/// `swept status STUDY`: one study's progress — counts by state, best trial, timing, throughput.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a study's progress: trials by state, the best trial, timing and throughput.",
        discussion: """
            Examples:
              swept status fashion-mlp --store swept.db
              swept status fashion-mlp --store swept.db --json
            """
    )

    @Argument(help: "The study's name.") var study: String
    @OptionGroup var options: QueryOptions

    func run() async throws {
        try await CLIFailure.reporting {
            let source = try options.source()
            let record = try await source.requireStudy(study)
            let summary = try await source.summary(of: record.id)
            let trials = try await source.trials(in: record.id, states: nil).map(\.trial)
            let best = try await source.bestTrials(in: record, limit: record.directions.count == 1 ? 1 : 100).map(\.trial)
            let finished = trials.compactMap(\.completedAt)
            let started = trials.compactMap(\.startedAt).min()
            let last = finished.max()
            let elapsed = started.map { (last ?? Date().timeIntervalSince1970) - $0 }
            let perMinute = elapsed.flatMap { $0 > 0 ? Double(finished.count) / $0 * 60 : nil }
            let objectives = record.directions.count
            if options.json {
                var fields: [(String, JSONText)] = [
                    ("name", .string(record.name)),
                    ("id", .int(Int(record.id.rawValue))),
                    ("directions", TrialPresentation.directionsJSON(record.directions)),
                    ("trials", TrialPresentation.countsJSON(summary.counts)),
                ]
                if objectives == 1 {
                    let object = best.first.map { JSONText.object(TrialPresentation.json($0, objectives: 1)) }
                    fields.append(("best", object ?? .null))
                } else {
                    let objects = best.map { JSONText.object(TrialPresentation.json($0, objectives: objectives)) }
                    fields.append(("pareto_front", .array(objects)))
                }
                fields += [
                    ("started_at", .timestamp(started)),
                    ("last_completed_at", .timestamp(last)),
                    ("elapsed_seconds", .finite(elapsed)),
                    ("trials_per_minute", .finite(perMinute)),
                    ("user_attributes", .object(summary.userAttributes.keys.sorted().map {
                        ($0, TrialPresentation.json(summary.userAttributes[$0] ?? .null))
                    })),
                ]
                emit(JSONText.object(fields).rendered())
                return
            }
            let style = TerminalStyle.standardOutput
            var block = KeyValueBlock()
            block.add("study", style.bold(record.name) + " (\(TrialPresentation.directions(record.directions)))")
            let order: [TrialState] = [.complete, .pruned, .fail, .running, .waiting]
            block.add("trials", "\(summary.trialCount) — " + order.map {
                "\(summary.counts[$0] ?? 0) \($0.rawValue.lowercased())"
            }.joined(separator: ", "))
            if objectives == 1 {
                if let trial = best.first {
                    block.add("best", style.green(TrialPresentation.values(trial)) + " (trial \(trial.number))")
                    block.add("best params", TrialPresentation.params(trial.params))
                } else {
                    block.add("best", "- (no complete trial yet)")
                }
            } else {
                block.add("pareto front", best.isEmpty ? "-" : best.map { "#\($0.number)" }.joined(separator: " "))
            }
            block.add("started", TimeText.short(started))
            block.add("last completed", TimeText.short(last))
            block.add("elapsed", TimeText.duration(elapsed))
            block.add("throughput", perMinute.map { String(format: "%.2f trials/min", $0) } ?? "-")
            emit(block.rendered(style: style))
        }
    }
}
