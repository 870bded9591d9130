import Testing
@testable import SweptTuning

/// Replays every Parzen-estimator case Optuna 5.0.0 generated (scripts/optuna-differential).
@Suite("Parzen estimator vs Optuna 5.0 (differential fixture)")
struct ParzenDifferentialTests {
    static func dimension(_ d: OptunaDifferentialFixture.ParzenCase.Dimension) -> ParzenDimension {
        if d.kind == "categorical" { return ParzenDimension(categoricalChoices: d.n_choices ?? 0) }
        return ParzenDimension(low: d.low ?? 0, high: d.high ?? 0, step: d.step, log: d.log ?? false)
    }

    /// Mismatch descriptions for one case (empty when it agrees).
    static func mismatches(_ c: OptunaDifferentialFixture.ParzenCase) -> [String] {
        let dims = c.dims.map(dimension)
        let parameters = ParzenEstimatorParameters(
            priorWeight: c.prior_weight, considerMagicClip: c.consider_magic_clip,
            considerEndpoints: c.consider_endpoints)
        let pe = ParzenEstimator(observations: c.observations, dimensions: dims, parameters: parameters)
        var out: [String] = []
        func check(_ what: String, _ got: [Double], _ want: [Double]) {
            guard got.count == want.count else {
                out.append("\(what): \(got.count) values, want \(want.count)")
                return
            }
            for (i, (g, w)) in zip(got, want).enumerated() where !agrees(g, w) {
                out.append("\(what)[\(i)] = \(g), want \(w)")
                return
            }
        }
        check("weights", pe.weights, c.weights)
        for (d, comp) in c.components.enumerated() {
            if let rows = comp.rows {
                check("dim \(d) rows", pe.rows[d], rows.flatMap { $0 })
            } else {
                check("dim \(d) mu", pe.mus[d], comp.mu ?? [])
                check("dim \(d) sigma", pe.sigmas[d], comp.sigma ?? [])
            }
        }
        let logPDF = (0..<c.log_pdf.count).map { i in pe.logPDF(c.points.map { $0[i] }) }
        check("log_pdf", logPDF, c.log_pdf)
        return out
    }

    @Test("every Parzen case agrees (μ, σ, weights, kernel rows, log density) within 1e-9")
    func everyCaseAgrees() {
        let cases = OptunaDifferentialFixture.shared.parzen_cases
        #expect(cases.count >= 500)
        var failures: [String] = []
        for (index, c) in cases.enumerated() {
            for m in Self.mismatches(c) { failures.append("parzen case \(index): \(m)") }
        }
        #expect(failures.count == 0, "\(failures.count) mismatches:\n\(failures.prefix(20).joined(separator: "\n"))")
    }

    @Test("the fixture covers every distribution kind, counts 0, 1, 2 and > 25, and both option settings")
    func coverage() {
        let cases = OptunaDifferentialFixture.shared.parzen_cases
        var kinds = Set<String>()
        for c in cases {
            for d in c.dims {
                let stepped = d.kind == "float" ? d.step != nil : (d.step ?? 1) != 1
                kinds.insert("\(d.kind)\(stepped ? "-step" : "")\(d.log == true ? "-log" : "")")
            }
        }
        #expect(kinds == ["float", "float-step", "float-log", "int", "int-step", "int-log", "categorical"])
        let counts = Set(cases.map { $0.observations.first?.count ?? 0 })
        #expect(counts.isSuperset(of: [0, 1, 2]) && counts.contains { $0 > 25 })
        #expect(Set(cases.map(\.consider_endpoints)) == [true, false])
        #expect(Set(cases.map(\.consider_magic_clip)) == [true, false])
    }
}
