import Foundation
import SweptConfig
import SweptLearn
import SweptTuning
import SweptWorker
import Testing

@Suite("Built-in trainers report per epoch, obey prunes and fail on divergence")
struct TrainerObjectiveTests {
    let directory: URL
    let cache = PreparedDataCache()

    init() throws {
        directory = try makeTemporaryDirectory()
        try SyntheticIDX.write(to: directory, rows: 600, classes: 3)
    }

    func objective(_ model: TrainerConfig.Model, epochs: Int = 2, metric: String = "val_accuracy",
                   fixed: [String: ParamValue] = [:]) -> TrainerObjective {
        var trainer = TrainerConfig(model: model, epochs: epochs)
        trainer.fixed = fixed
        var data = DataConfig(source: .idx(directory: directory.path))
        data.splitSeed = 3
        return TrainerObjective(config: trainer, data: data, metrics: [metric], cache: cache)
    }

    func context(_ params: [String: ParamValue], trial: Int = 0) -> ObjectiveContext {
        ObjectiveContext(studyName: "t", trialNumber: trial, params: params)
    }

    @Test(arguments: [TrainerConfig.Model.softmax, .mlp, .logistic])
    func classifiersReportValidationAccuracyEachEpoch(_ model: TrainerConfig.Model) async throws {
        let reporter = RecordingReporter()
        let outcome = try await objective(model).run(
            context(["learning_rate": 0.01, "batch_size": 32]), reporter: reporter)
        guard case .complete(let values) = outcome else {
            Issue.record("expected complete, got \(outcome)")
            return
        }
        #expect(reporter.steps == [0, 1])
        #expect(values.count == 1)
        #expect(values[0] == reporter.reports.last?.value)
        #expect(values[0] > 0.8, "validation accuracy \(values[0])")
    }

    @Test(arguments: ["val_accuracy", "val_loss"])
    func ridgeIsSolvedOnceAndReportsStepZero(metric: String) async throws {
        let reporter = RecordingReporter()
        let outcome = try await objective(.ridge, epochs: 1, metric: metric).run(
            context(["alpha": 0.1]), reporter: reporter)
        guard case .complete(let values) = outcome else {
            Issue.record("expected complete, got \(outcome)")
            return
        }
        #expect(reporter.steps == [0])
        #expect(reporter.reports.first?.value == values[0])
        if metric == "val_accuracy" { #expect(values[0] > 0.8) } else { #expect(values[0] < 0.2) }
    }

    @Test func mlpLayersAndPerLayerUnitsShapeTheNetwork() async throws {
        let reporter = RecordingReporter()
        let outcome = try await objective(.mlp, epochs: 1).run(
            context(["layers": 2, "hidden_units": 16, "units_2": 8, "activation": "tanh", "optimizer": "nesterov",
                     "momentum": 0.8, "lr_schedule": "cosine", "dropout": 0.1]),
            reporter: reporter)
        guard case .complete = outcome else {
            Issue.record("expected complete, got \(outcome)")
            return
        }
        #expect(reporter.steps == [0])
    }

    @Test func aPruneStopsTrainingAtOnce() async throws {
        let reporter = RecordingReporter { step in step == 0 ? .prune : .proceed }
        let outcome = try await objective(.softmax, epochs: 5).run(context([:]), reporter: reporter)
        #expect(outcome == .pruned)
        #expect(reporter.steps == [0])
    }

    @Test func aStopEndsTheTrialWithoutAResult() async throws {
        let reporter = RecordingReporter { _ in .stop }
        let outcome = try await objective(.softmax, epochs: 5).run(context([:]), reporter: reporter)
        #expect(outcome == .stopped)
        #expect(reporter.steps == [0])
    }

    @Test func aDivergingLossFailsWithTheReason() async throws {
        let outcome = try await objective(.mlp, epochs: 2, fixed: ["optimizer": "sgd"]).run(
            context(["learning_rate": 1e30, "hidden_units": 8]), reporter: RecordingReporter())
        guard case .failed(let reason) = outcome else {
            Issue.record("expected a failure, got \(outcome)")
            return
        }
        #expect(reason.contains("diverged"))
        #expect(reason.contains("NaN or infinite"))
    }

    @Test func aTrialPastItsTimeLimitFailsAtAnEpochBoundary() async throws {
        var trainer = TrainerConfig(model: .mlp, epochs: 500)
        trainer.fixed = ["hidden_units": 64]
        var data = DataConfig(source: .idx(directory: directory.path))
        data.splitSeed = 3
        let objective = TrainerObjective(
            config: trainer, data: data, metrics: ["val_accuracy"], cache: cache, timeout: 0.3)
        let reporter = RecordingReporter()
        let outcome = try await objective.run(context([:]), reporter: reporter)
        #expect(outcome == .failed(reason: "timed out after 300ms (training stopped at an epoch boundary)"))
        #expect(reporter.steps.count < 500)
    }

    @Test func missingDataFailsTheTrialWithTheReason() async throws {
        let trainer = TrainerConfig(model: .softmax, epochs: 1)
        let objective = TrainerObjective(
            config: trainer, data: DataConfig(source: .idx(directory: "/nonexistent/data")), metrics: ["val_accuracy"],
            cache: cache)
        let outcome = try await objective.run(context([:]), reporter: RecordingReporter())
        guard case .failed(let reason) = outcome else {
            Issue.record("expected a failure, got \(outcome)")
            return
        }
        #expect(reason.contains("/nonexistent/data"))
    }

    @Test func severalTrialsShareOneLoad() async throws {
        let objective = objective(.softmax, epochs: 1)
        for trial in 0..<3 {
            _ = try await objective.run(context([:], trial: trial), reporter: RecordingReporter())
        }
        #expect(cache.loadCount == 1)
    }

    @Test(arguments: [TrainerConfig.Model.softmax, .ridge])
    func theTestSplitIsMeasuredOnlyWhenAsked(_ model: TrainerConfig.Model) async throws {
        try SyntheticIDX.write(to: directory, rows: 150, classes: 3, seed: 99, prefix: "t10k")
        let objective = objective(model, epochs: 2)
        let (outcome, test) = try await objective.runAndEvaluateTest(
            context(["learning_rate": 0.01]), reporter: RecordingReporter())
        guard case .complete = outcome else {
            Issue.record("expected complete, got \(outcome)")
            return
        }
        let accuracy = try #require(test?["test_accuracy"])
        #expect(accuracy > 0.8)
        #expect(test?["test_loss"]?.isFinite == true)
    }

    @Test func aMissingTestSplitIsNamed() async throws {
        await #expect(throws: DataPreparationError.self) {
            _ = try await objective(.softmax, epochs: 1).runAndEvaluateTest(context([:]), reporter: RecordingReporter())
        }
    }

    @Test func fashionMNISTSubsetTrainsPastChance() async throws {
        let directory = "/usr/share/datasets/fashion-mnist"
        guard FileManager.default.fileExists(atPath: directory + "/train-labels-idx1-ubyte.gz") else {
            if ProcessInfo.processInfo.environment["CI"] != nil {
                Issue.record("Fashion-MNIST is missing at \(directory) (apt-get install dataset-fashion-mnist)")
            }
            return
        }
        var data = DataConfig(source: .idx(directory: directory))
        data.rows = 3000
        data.validationFraction = 0.2
        let objective = TrainerObjective(
            config: TrainerConfig(model: .softmax, epochs: 1), data: data, metrics: ["val_accuracy"], cache: cache)
        let outcome = try await objective.run(context(["learning_rate": 0.003]), reporter: RecordingReporter())
        guard case .complete(let values) = outcome else {
            Issue.record("expected complete, got \(outcome)")
            return
        }
        #expect(values[0] > 0.6, "validation accuracy \(values[0])")
    }
}
