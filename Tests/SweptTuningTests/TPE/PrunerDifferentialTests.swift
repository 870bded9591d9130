import Testing
@testable import SweptTuning

/// Replays every pruner case Optuna 5.0.0 generated (scripts/optuna-differential): the same history built
/// through the ask/tell API, the same reports, the same `shouldPrune` answer after each report.
@Suite("Median and percentile pruners vs Optuna 5.0 (differential fixture)")
struct PrunerDifferentialTests {
    static func pruner(_ c: OptunaDifferentialFixture.PrunerCase) throws -> any Pruner {
        if c.pruner == "median" {
            return try MedianPruner(
                nStartupTrials: c.n_startup_trials, nWarmupSteps: c.n_warmup_steps,
                intervalSteps: c.interval_steps, nMinTrials: c.n_min_trials)
        }
        return try PercentilePruner(
            percentile: c.percentile, nStartupTrials: c.n_startup_trials, nWarmupSteps: c.n_warmup_steps,
            intervalSteps: c.interval_steps, nMinTrials: c.n_min_trials)
    }

    /// The decisions swept makes for one case, after each report.
    static func decisions(_ c: OptunaDifferentialFixture.PrunerCase) throws -> [Bool] {
        let direction: StudyDirection = c.direction == "maximize" ? .maximize : .minimize
        let study = Study(direction: direction, sampler: RandomSampler(seed: 0), pruner: try pruner(c))
        for h in c.history {
            let trial = try study.ask()
            for pair in h.intermediate { try trial.report(pair[1], step: Int(pair[0])) }
            switch h.state {
            case "COMPLETE": _ = try study.tell(trial, values: [h.value ?? .nan])
            case "PRUNED": _ = try study.tell(trial, state: .pruned)
            default: _ = try study.tell(trial, state: .fail)
            }
        }
        let trial = try study.ask()
        var out: [Bool] = []
        for pair in c.reports {
            try trial.report(pair[1], step: Int(pair[0]))
            out.append(try trial.shouldPrune())
        }
        return out
    }

    @Test("every pruner decision agrees with Optuna")
    func everyDecisionAgrees() throws {
        let cases = OptunaDifferentialFixture.shared.pruner_cases
        #expect(cases.count >= 500)
        var failures: [String] = []
        for (index, c) in cases.enumerated() {
            let got = try Self.decisions(c)
            if got != c.should_prune { failures.append("pruner case \(index): got \(got), want \(c.should_prune)") }
        }
        let report = failures.prefix(20).joined(separator: "\n")
        #expect(failures.count == 0, "\(failures.count) cases disagree:\n\(report)")
    }

    @Test("the fixture covers NaN, maximize, warm-up, interval, n_min_trials, startup and both pruners")
    func coverage() {
        let cases = OptunaDifferentialFixture.shared.pruner_cases
        #expect(cases.contains { $0.reports.contains { $0[1].isNaN } })
        #expect(cases.contains { $0.history.contains { $0.intermediate.contains { $0[1].isNaN } } })
        #expect(Set(cases.map(\.direction)) == ["minimize", "maximize"])
        #expect(Set(cases.map(\.pruner)) == ["median", "percentile"])
        #expect(cases.contains { $0.n_warmup_steps > 0 } && cases.contains { $0.interval_steps > 1 })
        #expect(cases.contains { $0.n_min_trials > 1 } && cases.contains { $0.n_startup_trials > 0 })
        #expect(cases.contains { $0.should_prune.contains(true) } && cases.contains { $0.should_prune.contains(false) })
    }
}
