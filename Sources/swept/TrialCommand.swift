import ArgumentParser
import SweptStore
import SweptTuning

/// `swept trial …`: commands about one trial.
struct TrialCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trial",
        abstract: "Inspect one trial.",
        subcommands: [TrialShowCommand.self]
    )
}

/// `swept trial show STUDY NUMBER`: params, intermediate values, timing, worker, retries and attributes.
struct TrialShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one trial: params, intermediate values, timing, worker, retries and attributes.",
        discussion: """
            Examples:
              swept trial show fashion-mlp 17 --store swept.db
              swept trial show fashion-mlp 17 --json
            """
    )

    @Argument(help: "The study's name.") var study: String
    @Argument(help: "The trial's number within the study.") var number: Int
    @OptionGroup var options: QueryOptions

    /// System attributes that count a trial's retries (requeues after a lost worker).
    static let retryKeys = ["swept:retries", "retries", "swept_retries"]
    /// System attributes that name the worker that ran a finished trial (its lease is gone by then).
    static let workerKeys = ["swept:worker", "worker", "swept_worker"]

    func run() async throws {
        try await CLIFailure.reporting {
            let source = try options.source()
            let record = try await source.requireStudy(study)
            guard let stored = try await source.trial(in: record.id, number: number) else {
                let count = try await source.trials(in: record.id, states: nil).count
                throw CLIFailure.user("study \(record.name) has no trial \(number) (it has \(count) trials, "
                    + "numbered 0..<\(count))")
            }
            let trial = stored.trial
            let lease = try await source.lease(of: stored.ref.id)
            let retries = Self.retryKeys.lazy.compactMap { trial.systemAttributes[$0] }.first
            let recordedWorker = Self.workerKeys.lazy.compactMap { trial.systemAttributes[$0] }.first
            let worker: String? = lease?.worker ?? recordedWorker.map {
                if case .string(let name) = $0 { return name }
                return TrialPresentation.json($0).rendered()
            }
            let steps = trial.intermediateValues.keys.sorted()
            if options.json {
                var fields = TrialPresentation.json(trial, objectives: record.directions.count)
                fields.insert(("study", .string(record.name)), at: 0)
                fields.append(("intermediate_values", .array(steps.map {
                    .object([("step", .int($0)), ("value", .finite(trial.intermediateValues[$0]))])
                })))
                fields.append(("worker", worker.map { .string($0) } ?? .null))
                fields.append(("lease_epoch", lease.map { .int($0.epoch) } ?? .null))
                fields.append(("retries", retries.map(TrialPresentation.json) ?? .int(0)))
                fields.append(("user_attributes", .object(trial.userAttributes.keys.sorted().map {
                    ($0, TrialPresentation.json(trial.userAttributes[$0] ?? .null))
                })))
                fields.append(("system_attributes", .object(trial.systemAttributes.keys.sorted().map {
                    ($0, TrialPresentation.json(trial.systemAttributes[$0] ?? .null))
                })))
                emit(JSONText.object(fields).rendered())
                return
            }
            let style = TerminalStyle.standardOutput
            var block = KeyValueBlock()
            block.add("study", record.name)
            block.add("trial", "\(trial.number)")
            block.add("state", style.state(trial.state))
            block.add(record.directions.count == 1 ? "value" : "values", TrialPresentation.values(trial))
            block.add("started", TimeText.short(trial.startedAt))
            block.add("completed", TimeText.short(trial.completedAt))
            block.add("duration", TimeText.duration(TrialPresentation.duration(trial)))
            block.add("worker", lease.map { "\($0.worker) (lease epoch \($0.epoch))" } ?? worker ?? "-")
            block.add("retries", retries.map { "\(TrialPresentation.json($0).rendered())" } ?? "0")
            for name in trial.params.keys.sorted() {
                block.add("param " + name, TrialPresentation.param(trial.params[name] ?? .null))
            }
            for key in trial.userAttributes.keys.sorted() {
                block.add("attr " + key, TrialPresentation.json(trial.userAttributes[key] ?? .null).rendered())
            }
            for key in trial.systemAttributes.keys.sorted() where !Self.retryKeys.contains(key) {
                let text = TrialPresentation.json(trial.systemAttributes[key] ?? .null).rendered()
                block.add("system " + key, text.count > 100 ? String(text.prefix(97)) + "..." : text)
            }
            var text = block.rendered(style: style)
            if !steps.isEmpty {
                var table = TextTable([("STEP", .right), ("VALUE", .right)])
                for step in steps { table.add(["\(step)", TrialPresentation.value(trial.intermediateValues[step])]) }
                text += "\n\n" + style.bold("intermediate values") + "\n" + table.rendered(style: style)
            }
            emit(text)
        }
    }
}
