import Foundation
import SweptConfig
import SweptTuning
import SweptWorker

/// Measures a finished trial's model once on the test split: training is deterministic for a seed, trial number
/// and thread count, so retraining with the trial's parameters reproduces the model the trial trained. The
/// retrained validation metric is printed beside the stored one as a check of that.
enum BestTrialEvaluation {
    /// Retrains `trial` of `study` with `threads` BLAS threads, prints its validation and test metrics.
    /// - Throws: `CLIFailure` when the objective is not a trainer or training does not complete.
    static func measure(_ study: StudyConfig, trial: FrozenTrial, threads: Int) async throws {
        guard let trainer = StudyObjectives.objective(for: study) as? TrainerObjective else {
            throw CLIFailure.user("--test applies to trainer objectives (mlp, softmax, logistic, ridge) only")
        }
        emit("measuring trial \(trial.number) once on the test split (retraining it, \(threads) BLAS "
            + "thread\(threads == 1 ? "" : "s"))…")
        let context = ObjectiveContext(
            studyName: study.name, trialNumber: trial.number, params: trial.params, blasThreads: threads)
        let reporter = LastValueReporter()
        let (outcome, test) = try await trainer.runAndEvaluateTest(context, reporter: reporter)
        guard case .complete(let values) = outcome, let test else {
            throw CLIFailure.failure("retraining trial \(trial.number) did not complete: \(outcome)")
        }
        let stored = trial.values?.first.map { TrialPresentation.value($0) } ?? "-"
        emit("\(study.metric): \(TrialPresentation.value(values.first)) retrained (trial reported \(stored))")
        emit(test.keys.sorted().map { "\($0)=\(TrialPresentation.value(test[$0]))" }.joined(separator: " "))
    }
}

/// A reporter that lets training run to the end.
private struct LastValueReporter: TrialReporter {
    func report(step: Int, value: Double) async throws -> ReportDecision { .proceed }
}
