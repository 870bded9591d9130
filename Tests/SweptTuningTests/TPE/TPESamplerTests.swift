import Testing
@testable import SweptTuning

@Suite("TPESampler behaviour")
struct TPESamplerTests {
    static let choices: [ParamValue] = [.string("a"), .string("b"), .string("c")]

    /// Runs `n` trials of a mixed objective and returns the params of each trial.
    static func run(_ sampler: any Sampler, trials n: Int) throws -> [[String: ParamValue]] {
        let study = Study(direction: .minimize, sampler: sampler, pruner: NopPruner())
        var out: [[String: ParamValue]] = []
        for _ in 0..<n {
            let trial = try study.ask()
            let x = try trial.suggestFloat("x", low: -5, high: 5)
            let lr = try trial.suggestFloat("lr", low: 1e-5, high: 1e-1, log: true)
            let k = try trial.suggestInt("k", low: 1, high: 256, log: true)
            let s = try trial.suggestFloat("s", low: 0, high: 1, step: 0.1)
            let c = try trial.suggestCategorical("c", choices: choices)
            let value = x * x + abs(TuningMath.log(lr) + 7) + Double(k) / 100 + s + (c == .string("b") ? 0 : 1)
            _ = try study.tell(trial, values: [value])
            out.append(trial.params)
        }
        return out
    }

    @Test("the same seed gives the same proposals; another seed does not")
    func reproducible() throws {
        let a = try Self.run(TPESampler(seed: 5), trials: 30)
        let b = try Self.run(TPESampler(seed: 5), trials: 30)
        let c = try Self.run(TPESampler(seed: 6), trials: 30)
        #expect(a == b)
        #expect(a != c)
    }

    @Test("startup trials are the random sampler's draws with the same seed")
    func startupIsRandom() throws {
        let tpe = try Self.run(TPESampler(seed: 9), trials: 10)
        let random = try Self.run(RandomSampler(seed: 9), trials: 10)
        #expect(tpe == random)
        let later = try Self.run(TPESampler(seed: 9), trials: 12)
        let randomEleven = try Self.run(RandomSampler(seed: 9), trials: 11)
        #expect(Array(later.prefix(10)) == random)
        #expect(later[10] != randomEleven[10])
    }

    @Test("TPE finds a better sphere minimum than random search with the same budget")
    func beatsRandom() throws {
        func best(_ sampler: any Sampler) throws -> Double {
            let study = Study(direction: .minimize, sampler: sampler, pruner: NopPruner())
            var best = Double.infinity
            for _ in 0..<60 {
                let trial = try study.ask()
                let x = try trial.suggestFloat("x", low: -10, high: 10)
                let y = try trial.suggestFloat("y", low: -10, high: 10)
                best = min(best, x * x + y * y)
                _ = try study.tell(trial, values: [x * x + y * y])
            }
            return best
        }
        var wins = 0
        for seed in UInt64(0)..<5 where try best(TPESampler(seed: seed)) < (try best(RandomSampler(seed: seed))) {
            wins += 1
        }
        #expect(wins >= 4)
    }

    @Test("maximize: TPE moves towards the maximum")
    func maximize() throws {
        let study = Study(direction: .maximize, sampler: TPESampler(seed: 2), pruner: NopPruner())
        for _ in 0..<50 {
            let trial = try study.ask()
            let x = try trial.suggestFloat("x", low: 0, high: 10)
            _ = try study.tell(trial, values: [x])
        }
        let late = study.trials.suffix(20).compactMap { $0.params["x"]?.doubleValue }
        #expect(late.reduce(0, +) / Double(late.count) > 7)
    }

    @Test("below split: best complete trials first, then pruned ones by further step, value, NaN last")
    func prunedRanking() throws {
        func ledger(unreported: Int) throws -> TPELedger {
            let study = Study(direction: .minimize, sampler: RandomSampler(seed: 1), pruner: NopPruner())
            func pruned(_ reports: [(Int, Double)]) throws {
                let t = try study.ask()
                for (step, value) in reports { try t.report(value, step: step) }
                _ = try study.tell(t, state: .pruned)
            }
            let complete = try study.ask()
            _ = try study.tell(complete, values: [100])             // 0: the only complete trial
            try pruned([(0, 0), (5, 9)])                              // 1: step 5, value 9
            try pruned([(3, 0)])                                      // 2: step 3, value 0
            try pruned([(5, .nan)])                                   // 3: step 5, NaN
            for _ in 0..<unreported { try pruned([]) }
            var ledger = TPELedger()
            _ = ledger.update(study)
            return ledger
        }
        let two = try ledger(unreported: 16).belowNumbers()      // n = 20: gamma 2
        let three = try ledger(unreported: 20).belowNumbers()    // n = 24: gamma 3
        let four = try ledger(unreported: 30).belowNumbers()     // n = 34: gamma 4
        #expect(two == [0, 1])
        #expect(three == [0, 1, 3])
        #expect(four == [0, 1, 3, 2])
    }

    @Test("conditional parameters outside the joint space are sampled one-dimensionally inside their range")
    func conditional() throws {
        let study = Study(direction: .minimize, sampler: TPESampler(seed: 4), pruner: NopPruner())
        for i in 0..<40 {
            let trial = try study.ask()
            let x = try trial.suggestFloat("x", low: -1, high: 1)
            var value = x * x
            if i % 2 == 0 {
                let y = try trial.suggestInt("y", low: 0, high: 10, step: 2)
                #expect(y % 2 == 0 && (0...10).contains(y))
                value += Double(y)
            }
            _ = try study.tell(trial, values: [value])
        }
        #expect(study.trials.count == 40)
    }

    @Test("constant liar: several running trials at once get distinct proposals")
    func constantLiar() throws {
        let study = Study(direction: .minimize, sampler: TPESampler(seed: 8), pruner: NopPruner())
        for _ in 0..<15 {
            let trial = try study.ask()
            let x = try trial.suggestFloat("x", low: -3, high: 3)
            _ = try study.tell(trial, values: [x * x])
        }
        var open: [Trial] = []
        for _ in 0..<6 {
            let trial = try study.ask()
            _ = try trial.suggestFloat("x", low: -3, high: 3)
            open.append(trial)
        }
        let xs = open.compactMap { $0.params["x"]?.doubleValue }
        #expect(Set(xs).count == 6)
        for trial in open { _ = try study.tell(trial, values: [1]) }
    }

    @Test("multi-objective studies sample every kind inside its range")
    func multiObjective() throws {
        let study = try Study(directions: [.minimize, .maximize], sampler: TPESampler(seed: 3), pruner: NopPruner())
        for _ in 0..<30 {
            let trial = try study.ask()
            let x = try trial.suggestFloat("x", low: 0, high: 1)
            let k = try trial.suggestInt("k", low: 1, high: 64, log: true)
            let c = try trial.suggestCategorical("c", choices: Self.choices)
            #expect((0...1).contains(x) && (1...64).contains(k) && Self.choices.contains(c))
            _ = try study.tell(trial, values: [x, Double(k)])
        }
    }
}
