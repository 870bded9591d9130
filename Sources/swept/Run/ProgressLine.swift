import Foundation
import SweptWire

/// The one-line progress of a running study: counts by state, best so far, throughput and the ETA of the budget.
///
/// `[14/40] complete 9 · running 2 · pruned 4 · failed 1 · best 0.9012 (#11) · 0.31 trials/s · ETA 1m24s`
struct ProgressLine {
    /// The study's summary from the coordinator.
    var summary: StudySummary
    /// Seconds since the study started here.
    var elapsed: Double
    /// The trial budget, if any.
    var budgetTrials: Int?
    /// The wall-clock budget in seconds, if any.
    var budgetSeconds: Double?

    /// Trials that have ended (complete, pruned or failed).
    var finished: Int { Int(summary.counts.complete + summary.counts.pruned + summary.counts.fail) }

    /// Finished trials per second so far.
    var rate: Double { elapsed > 0 ? Double(finished) / elapsed : 0 }

    /// Seconds until the budget is spent at the current rate (the sooner of trials and time), or `nil`.
    var eta: Double? {
        var estimates: [Double] = []
        if let budgetTrials, rate > 0 { estimates.append(Double(max(budgetTrials - finished, 0)) / rate) }
        if let budgetSeconds { estimates.append(max(budgetSeconds - elapsed, 0)) }
        return estimates.min()
    }

    /// The line, with colours when `style` has them.
    func rendered(style: TerminalStyle) -> String {
        let counts = summary.counts
        var parts: [String] = []
        let progress = budgetTrials.map { "[\(finished)/\($0)]" } ?? "[\(finished)]"
        parts.append(style.bold(progress) + " " + style.green("complete \(counts.complete)")
            + " · running \(counts.running) · pruned \(counts.pruned) · failed \(counts.fail)")
        if let number = summary.bestTrialNumber, !summary.bestValues.isEmpty {
            let values = summary.bestValues.map { TrialPresentation.value($0) }.joined(separator: ", ")
            parts.append("best \(values) (#\(number))")
        }
        parts.append(String(format: "%.2f trials/s", rate))
        if summary.state == .running, let eta {
            parts.append("ETA " + TimeText.duration(eta))
        } else if summary.state != .running {
            parts.append(summary.state == .completed ? "done" : "stopped")
        }
        return parts.joined(separator: " · ")
    }
}
