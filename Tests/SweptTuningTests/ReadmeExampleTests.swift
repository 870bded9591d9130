import SweptTuning
import Testing

/// The README's embedding example, kept compiling and correct.
@Test func readmeEmbeddingExampleFindsTheMinimum() throws {
    let study = Study(direction: .minimize, sampler: TPESampler(seed: 42), pruner: MedianPruner())
    for _ in 0..<100 {
        let trial = try study.ask()
        let x = try trial.suggestFloat("x", low: -10, high: 10)
        try study.tell(trial, value: (x - 2) * (x - 2))
    }
    let best = try study.bestTrial
    let x = try #require(best.params["x"]?.doubleValue)
    #expect(abs(x - 2) < 0.5)
    #expect(study.trials.count == 100)
}
