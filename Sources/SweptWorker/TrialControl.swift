import SweptWire
import Synchronization

/// Why a running trial must end early.
enum TrialInterruption: UInt8, Sendable {
    case none = 0
    /// The coordinator said the study stopped: finish the trial as FAIL ("stopped").
    case studyStopped = 1
    /// The lease is gone: report nothing more.
    case revoked = 2
    /// The worker is shutting down: release the trial.
    case draining = 3
}

/// The shared state of one running trial: its lease and whether it must end early.
final class TrialControl: Sendable {
    let assignment: TrialAssignment
    private let interruption = Atomic<UInt8>(0)

    init(assignment: TrialAssignment) {
        self.assignment = assignment
    }

    var lease: TrialLease { TrialLease(trialID: assignment.trialID, leaseEpoch: assignment.leaseEpoch) }

    /// The first interruption recorded (later ones do not replace it, except `revoked`, which always wins).
    var current: TrialInterruption { TrialInterruption(rawValue: interruption.load(ordering: .acquiring)) ?? .none }

    func interrupt(_ reason: TrialInterruption) {
        if reason == .revoked {
            interruption.store(reason.rawValue, ordering: .releasing)
        } else {
            _ = interruption.compareExchange(expected: 0, desired: reason.rawValue, ordering: .acquiringAndReleasing)
        }
    }
}

/// Streams a trial's intermediate values to the coordinator and turns its verdicts into decisions.
struct WireTrialReporter: TrialReporter {
    let link: CoordinatorLink
    let control: TrialControl
    let acknowledged: (@Sendable (String) -> Void)?

    func report(step: Int, value: Double) async throws -> ReportDecision {
        switch control.current {
        case .revoked, .draining: return .stop
        case .studyStopped, .none: break
        }
        let reply = try await link.call(.reportIntermediate(IntermediateReport(
            trialID: control.assignment.trialID, leaseEpoch: control.assignment.leaseEpoch, step: Int64(step),
            value: value)))
        guard case .verdict(let verdict) = reply else {
            throw WorkerError("coordinator answered reportIntermediate with \(reply.name)")
        }
        switch verdict.decision {
        case .continue:
            acknowledged?("report \(control.assignment.trialID) \(step) \(value)")
            if control.current == .draining || control.current == .revoked { return .stop }
            return .proceed
        case .prune:
            acknowledged?("report \(control.assignment.trialID) \(step) \(value)")
            return .prune
        case .stop:
            acknowledged?("report \(control.assignment.trialID) \(step) \(value)")
            control.interrupt(.studyStopped)
            return .stop
        case .revoked:
            control.interrupt(.revoked)
            return .stop
        }
    }
}
