import Foundation
import SweptConfig
import SweptTuning
import SweptWorker
import Testing

/// A reporter that is the study itself: reports land in the in-memory study, which answers with its pruner.
final class StudyReporter: TrialReporter, @unchecked Sendable {
    private let lock = NSLock()
    private let study: Study
    private let number: Int

    init(study: Study, number: Int) {
        self.study = study
        self.number = number
    }

    func report(step: Int, value: Double) async throws -> ReportDecision {
        try lock.withLock {
            try study.report(trial: number, value: value, step: step)
            return try study.shouldPrune(trial: number) ? .prune : .proceed
        }
    }
}

@Suite("A config-built study drives a trainer objective end to end")
struct EmbeddedStudyTests {
    @Test func trialsCompleteOrArePrunedAndTheBestLearns() async throws {
        let directory = try makeTemporaryDirectory()
        try SyntheticIDX.write(to: directory, rows: 600, classes: 3)
        let config = try StudyConfigParser.parse(yaml: """
            name: embedded
            direction: minimize
            metric: val_loss
            sampler: {type: random, seed: 4}
            pruner: {type: median, n_startup_trials: 2}
            data: {source: "idx:\(directory.path)", split: {validation: 0.2, seed: 1}}
            objective: {type: softmax, epochs: 3, fixed: {optimizer: sgd, batch_size: 32}}
            space:
              learning_rate: {float: [1e-6, 1.0], log: true}
            """)
        let study = try StudyFactory.makeStudy(config)
        let objective = try #require(StudyObjectives.objective(for: config, cache: PreparedDataCache()))
        for _ in 0..<10 {
            let trial = try study.ask()
            let params = try config.space.suggest(trial)
            let context = ObjectiveContext(studyName: config.name, trialNumber: trial.number, params: params)
            switch try await objective.run(context, reporter: StudyReporter(study: study, number: trial.number)) {
            case .complete(let values): try study.tell(trial, values: values)
            case .pruned: try study.tell(trial, state: .pruned)
            case .stopped, .failed: try study.tell(trial, state: .fail)
            }
        }
        let states = study.trials.map(\.state)
        #expect(states.allSatisfy { $0 == .complete || $0 == .pruned })
        #expect(states.contains(.pruned))
        #expect(study.trials.filter { $0.state == .complete }.allSatisfy { $0.intermediateValues.count == 3 })
        let best = try study.bestTrial
        let worst = study.trials.compactMap(\.value).max() ?? 0
        #expect(best.value ?? .infinity < worst)
        // Pruned trials stopped early: fewer reports than epochs.
        #expect(study.trials.filter { $0.state == .pruned }.allSatisfy { $0.intermediateValues.count < 3 })
    }
}
