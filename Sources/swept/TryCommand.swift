import ArgumentParser
import Foundation
import SweptConfig
import SweptStore
import SweptTuning
import SweptWorker

/// `swept try CONFIG`: runs one trial of a config's objective here, without a store or a cluster.
struct TryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "try",
        abstract: "Run one trial of a study config's objective locally and print what it reports.",
        discussion: """
            Parameters given with --param are fixed; the others are drawn at random (seeded) from the space,
            honouring conditions. Nothing is written to a store. With --test a trainer's model is measured once
            on the data set's test split after training (never do this while tuning).
            Examples:
              swept try study-configs/fashion-mlp-tpe.yaml --param learning_rate=0.001 --param layers=1
              swept try study-configs/command-python.yaml --param x=2 --param shape=bowl
              swept try study-configs/fashion-mlp-tpe.yaml --param hidden_units=512 --threads 2 --test
              swept try study-configs/fashion-mlp-tpe.yaml --store swept.db --best --test

            With --store and --best (or --number N) the trial's params and number come from the study of that
            name in the store: training is deterministic for a seed and thread count, so `--best --test` retrains
            the best trial's model (use the thread count its worker used) and measures it once on the test split.
            """
    )

    @Argument(help: "The study config file.") var config: String

    @Option(name: .long, help: ArgumentHelp("Fix a parameter (repeatable).", valueName: "name=value"))
    var param: [String] = []

    @Option(name: .long, help: "Seed for the parameters not given with --param.") var seed: UInt64 = 0
    @Option(name: .long, help: "The trial number the objective sees (trainers add it to their seed).")
    var trial: Int = 0
    @Option(name: .long, help: "OpenBLAS threads for trainers (and OMP_NUM_THREADS for commands).")
    var threads: Int = 1
    @Flag(name: .long, help: "After training, measure the model once on the test split (trainers only).")
    var test = false
    @Option(name: .long, help: ArgumentHelp("Take params and trial number from a stored trial of this store.",
                                            valueName: "path"))
    var store: String?
    @Flag(name: .long, help: "With --store: the study's best trial.") var best = false
    @Option(name: .long, help: "With --store: this trial number.") var number: Int?

    func validate() throws {
        if store != nil, best == (number != nil) {
            throw ValidationError("--store needs exactly one of --best or --number N")
        }
        if store == nil, best || number != nil { throw ValidationError("--best and --number need --store PATH") }
        if threads < 1 { throw ValidationError("--threads: expected >= 1, got \(threads)") }
        if trial < 0 { throw ValidationError("--trial: expected >= 0, got \(trial)") }
    }

    func run() async throws {
        let (study, params, trialNumber) = try await CLIFailure.reporting { try await prepare() }
        emit("trial \(trialNumber) params: " + TrialPresentation.params(params))
        let context = ObjectiveContext(
            studyName: study.name, trialNumber: trialNumber, params: params, blasThreads: threads)
        let reporter = PrintingReporter(metric: study.metric)
        let started = Date()
        if case .function(let function) = study.objective {
            let value = try CLIFailure.reporting { try Self.evaluate(function, params: params) }
            emit("value: \(TrialPresentation.value(value))")
            return
        }
        guard let objective = StudyObjectives.objective(for: study) else {
            try CLIFailure.reporting { throw CLIFailure.user("\(config): this objective cannot run locally") }
            return
        }
        let outcome: ObjectiveOutcome
        var testMetrics: [String: Double]?
        if test {
            guard let trainer = objective as? TrainerObjective else {
                try CLIFailure.reporting { throw CLIFailure.user("--test applies to trainer objectives only") }
                return
            }
            (outcome, testMetrics) = try await trainer.runAndEvaluateTest(context, reporter: reporter)
        } else {
            outcome = try await objective.run(context, reporter: reporter)
        }
        let seconds = Date().timeIntervalSince(started)
        switch outcome {
        case .complete(let values):
            let pairs = zip(study.metrics, values).map { "\($0)=\(TrialPresentation.value($1))" }
            emit("COMPLETE " + pairs.joined(separator: " ") + " in " + TimeText.duration(seconds))
        case .pruned: emit("PRUNED after " + TimeText.duration(seconds))
        case .stopped: emit("STOPPED after " + TimeText.duration(seconds))
        case .failed(let reason):
            emit("FAIL: \(reason)")
            throw ExitCode(CLIFailure.Kind.failure.rawValue)
        }
        if let testMetrics {
            emit(testMetrics.keys.sorted().map { "\($0)=\(TrialPresentation.value(testMetrics[$0]))" }
                .joined(separator: " "))
        }
    }

    /// The parsed config, the trial's parameters (fixed ones from --param, the rest sampled) and its number.
    private func prepare() async throws -> (StudyConfig, [String: ParamValue], Int) {
        let study = try StudyConfigParser.load(path: config)
        if let store {
            let stored = try await storedTrial(store, study: study.name)
            return (study, stored.params, stored.number)
        }
        var fixed: [String: ParamValue] = [:]
        for item in param {
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw CLIFailure.user("--param \(item): expected name=value")
            }
            let name = String(parts[0])
            guard study.space[name] != nil else {
                let hint = EditDistance.hint(for: name, among: study.space.names)
                throw CLIFailure.user("--param \(name): not a parameter of \(study.name)\(hint); the space has "
                    + study.space.names.joined(separator: ", "))
            }
            fixed[name] = Self.value(String(parts[1]))
        }
        let local = try Study(directions: study.directions, sampler: RandomSampler(seed: seed), pruner: NopPruner())
        let space = Dictionary(uniqueKeysWithValues: study.space.parameters.map { ($0.name, $0.distribution) })
        do {
            try local.enqueue(params: fixed, searchSpace: space)
            let trial = try local.ask()
            return (study, try study.space.suggest(trial), self.trial)
        } catch let error as TuningError {
            throw CLIFailure.user("--param: \(error.message)")
        }
    }

    /// The best (or numbered) trial of `name` in the store at `path`.
    private func storedTrial(_ path: String, study name: String) async throws -> FrozenTrial {
        let source = try QueryOptions.storeSource(path)
        let record = try await source.requireStudy(name)
        if let number {
            guard let stored = try await source.trial(in: record.id, number: number) else {
                throw CLIFailure.user("study \(name) has no trial \(number)")
            }
            return stored.trial
        }
        guard record.directions.count == 1 else {
            throw CLIFailure.user(
                "study \(name) has several objectives: pick a trial of its Pareto front with --number")
        }
        guard let best = try await source.bestTrials(in: record, limit: 1).first else {
            throw CLIFailure.user("study \(name) has no complete trial yet")
        }
        return best.trial
    }

    /// A command-line value as a parameter value: integer, number, true/false, null, else text.
    static func value(_ text: String) -> ParamValue {
        if let integer = Int(text) { return .int(integer) }
        if let number = Double(text) { return .float(number) }
        switch text {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "null": return .null
        default: return .string(text)
        }
    }

    /// A built-in test function's value for `params`.
    static func evaluate(_ function: FunctionConfig, params: [String: ParamValue]) throws -> Double {
        do {
            return try TestFunctions.evaluate(function.name, params: params)
        } catch let error as TuningError {
            throw CLIFailure.user(error.message)
        }
    }
}

/// Prints each intermediate report and always answers "go on".
struct PrintingReporter: TrialReporter {
    let metric: String

    func report(step: Int, value: Double) async throws -> ReportDecision {
        emit("step \(step): \(metric)=\(TrialPresentation.value(value))")
        return .proceed
    }
}
