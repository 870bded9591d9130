import SweptTuning

/// What an objective learns about the trial it runs.
public struct ObjectiveContext: Sendable {
    /// The study the trial belongs to.
    public var studyName: String
    /// The trial's number within its study.
    public var trialNumber: Int
    /// The trial's parameters, by name, in their external representation.
    public var params: [String: ParamValue]
    /// The OpenBLAS thread count this worker slot may use.
    public var blasThreads: Int
    /// How many trials the worker may run at once in this process (its slots). OpenBLAS's thread count is global
    /// to the process, so a trial that changes it while another trains would change that trial's products.
    public var concurrentTrials: Int

    /// Creates a context.
    public init(studyName: String, trialNumber: Int, params: [String: ParamValue], blasThreads: Int = 1,
                concurrentTrials: Int = 1) {
        self.studyName = studyName
        self.trialNumber = trialNumber
        self.params = params
        self.blasThreads = blasThreads
        self.concurrentTrials = max(concurrentTrials, 1)
    }
}

/// The coordinator's answer to an intermediate report.
public enum ReportDecision: Sendable, Equatable {
    /// Keep going.
    case proceed
    /// The pruner stopped this trial: end it now and report it PRUNED.
    case prune
    /// The study was stopped or the lease was revoked: end now and report nothing more.
    case stop
}

/// Streams intermediate values of a running trial to whoever decides on pruning.
public protocol TrialReporter: Sendable {
    /// Reports `value` at `step` and returns the decision for the trial.
    func report(step: Int, value: Double) async throws -> ReportDecision
}

/// How a trial's objective ended.
public enum ObjectiveOutcome: Sendable, Equatable {
    /// Finished with one value per study direction.
    case complete([Double])
    /// Stopped early because the reporter answered `prune`.
    case pruned
    /// Stopped early because the reporter answered `stop`; the trial is not the worker's any more.
    case stopped
    /// Failed; the reason is recorded on the trial.
    case failed(reason: String)
}

/// Something a worker can run for a trial: a built-in trainer, a test function, an external command.
///
/// Implementations report each intermediate value through `reporter` and obey its decision at once.
/// A thrown error is recorded as a FAIL with the error's description.
public protocol Objective: Sendable {
    /// Runs the objective for one trial.
    func run(_ context: ObjectiveContext, reporter: any TrialReporter) async throws -> ObjectiveOutcome
}
