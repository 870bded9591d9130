import Foundation

/// The Optuna 5.0.0 differential fixture (format in scripts/optuna-diff/generate.py), decoded once.
struct OptunaDifferentialFixture: Decodable {
    struct PrunerCase: Decodable {
        struct HistoryTrial: Decodable {
            let state: String
            let value: Double?
            let intermediate: [[Double]]
        }
        let pruner: String
        let percentile: Double
        let n_startup_trials: Int
        let n_warmup_steps: Int
        let interval_steps: Int
        let n_min_trials: Int
        let direction: String
        let history: [HistoryTrial]
        let reports: [[Double]]
        let should_prune: [Bool]
    }

    struct ParzenCase: Decodable {
        struct Dimension: Decodable {
            let name: String
            let kind: String
            let low: Double?
            let high: Double?
            let step: Double?
            let log: Bool?
            let n_choices: Int?
        }
        struct Component: Decodable {
            let mu: [Double]?
            let sigma: [Double]?
            let rows: [[Double]]?
        }
        let prior_weight: Double
        let consider_magic_clip: Bool
        let consider_endpoints: Bool
        let dims: [Dimension]
        let observations: [[Double]]
        let weights: [Double]
        let components: [Component]
        let points: [[Double]]
        let log_pdf: [Double]
    }

    let format: Int
    let optuna: String
    let pruner_cases: [PrunerCase]
    let parzen_cases: [ParzenCase]

    /// The committed fixture, decoded once per test process.
    static let shared: OptunaDifferentialFixture = {
        guard let url = Bundle.module.url(
            forResource: "optuna-differential", withExtension: "json", subdirectory: "Fixtures")
        else { fatalError("Fixtures/optuna-differential.json is missing from the test bundle") }
        do {
            let decoder = JSONDecoder()
            decoder.nonConformingFloatDecodingStrategy = .convertFromString(
                positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
            return try decoder.decode(OptunaDifferentialFixture.self, from: Data(contentsOf: url))
        } catch {
            fatalError("cannot decode Fixtures/optuna-differential.json: \(error)")
        }
    }()
}

/// Relative agreement |a − b| ≤ tol·max(1, |b|)... strictly relative for large values, absolute near zero.
func agrees(_ a: Double, _ b: Double, tolerance: Double = 1e-9) -> Bool {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
    if a.isInfinite || b.isInfinite { return a == b }
    return abs(a - b) <= tolerance * max(abs(b), 1e-300) || abs(a - b) <= 1e-15
}
