import SweptTuning
import Testing

/// One invalid distribution and the fragment its error message must contain.
struct InvalidDistributionCase: Sendable, CustomTestStringConvertible {
    let label: String
    let make: @Sendable () throws -> Distribution
    let expected: String
    var testDescription: String { label }
}

@Suite("Distributions")
struct DistributionTests {
    static let invalid: [InvalidDistributionCase] = [
        .init(label: "float log low 0", make: { .float(try FloatDistribution(low: 0, high: 1, log: true)) },
              expected: "low > 0"),
        .init(label: "float log low -1", make: { .float(try FloatDistribution(low: -1, high: 1, log: true)) },
              expected: "low > 0"),
        .init(label: "float step with log",
              make: { .float(try FloatDistribution(low: 1, high: 2, step: 0.5, log: true)) }, expected: "step"),
        .init(label: "float high below low", make: { .float(try FloatDistribution(low: 2, high: 1)) },
              expected: "low <= high"),
        .init(label: "float step 0", make: { .float(try FloatDistribution(low: 0, high: 1, step: 0)) },
              expected: "step > 0"),
        .init(label: "float step negative", make: { .float(try FloatDistribution(low: 0, high: 1, step: -0.1)) },
              expected: "step > 0"),
        .init(label: "float infinite", make: { .float(try FloatDistribution(low: 0, high: .infinity)) },
              expected: "finite"),
        .init(label: "float NaN", make: { .float(try FloatDistribution(low: .nan, high: 1)) }, expected: "finite"),
        .init(label: "int log step 2", make: { .int(try IntDistribution(low: 1, high: 9, step: 2, log: true)) },
              expected: "step 1"),
        .init(label: "int log low 0", make: { .int(try IntDistribution(low: 0, high: 9, log: true)) },
              expected: "low >= 1"),
        .init(label: "int high below low", make: { .int(try IntDistribution(low: 5, high: 4)) },
              expected: "low <= high"),
        .init(label: "int step 0", make: { .int(try IntDistribution(low: 0, high: 4, step: 0)) },
              expected: "step > 0"),
        .init(label: "int step negative", make: { .int(try IntDistribution(low: 0, high: 4, step: -1)) },
              expected: "step > 0"),
        .init(label: "categorical empty", make: { .categorical(try CategoricalDistribution(choices: [])) },
              expected: "at least one choice"),
    ]

    @Test(arguments: invalid)
    func invalidDistributionIsRejected(_ invalidCase: InvalidDistributionCase) {
        do {
            let distribution = try invalidCase.make()
            Issue.record("expected an error, got \(distribution)")
        } catch let error as TuningError {
            #expect(error.code == .invalidDistribution)
            #expect(error.message.contains(invalidCase.expected), "\(error.message)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func suggestErrorsNameTheParameter() throws {
        let study = Study(sampler: RandomSampler(seed: 1))
        let trial = try study.ask()
        let error = #expect(throws: TuningError.self) { try trial.suggestFloat("lr", low: 0, high: 1, log: true) }
        #expect(error?.message.hasPrefix("parameter 'lr': ") == true)
        let intError = #expect(throws: TuningError.self) { try trial.suggestInt("units", low: 0, high: 9, log: true) }
        #expect(intError?.message.contains("'units'") == true)
        let emptyError = #expect(throws: TuningError.self) { try trial.suggestCategorical("act", choices: []) }
        #expect(emptyError?.message.contains("'act'") == true)
    }

    @Test func highOffTheGridIsLoweredToTheLastGridPoint() throws {
        #expect(abs(try FloatDistribution(low: 0, high: 1, step: 0.3).high - 0.9) < 1e-12)
        #expect(try FloatDistribution(low: 0, high: 1, step: 0.25).high == 1)
        #expect(try FloatDistribution(low: 0, high: 0.3, step: 0.1).high == 0.3)  // 0.3/0.1 is 2.9999999999999996
        #expect(try IntDistribution(low: 0, high: 10, step: 3).high == 9)
        #expect(try IntDistribution(low: -5, high: 5, step: 5).high == 5)
    }

    @Test func internalRepresentation() throws {
        let categorical = Distribution.categorical(try CategoricalDistribution(choices: ["a", 2, 0.5, true, nil]))
        #expect(try categorical.toInternal("a") == 0)
        #expect(try categorical.toInternal(.null) == 4)
        #expect(try categorical.toInternal(2.0) == 1)  // numerically equal to the int choice
        #expect(categorical.toExternal(3) == .bool(true))
        #expect(throws: TuningError.self) { try categorical.toInternal("b") }
        #expect(!categorical.contains(internal: 5))
        #expect(!categorical.contains(internal: 0.5))

        let integer = Distribution.int(try IntDistribution(low: 0, high: 9, step: 3))
        #expect(try integer.toInternal(6) == 6)
        #expect(integer.toExternal(6) == .int(6))
        #expect(integer.contains(internal: 6))
        #expect(!integer.contains(internal: 5))
        #expect(!integer.contains(internal: 12))
        #expect(throws: TuningError.self) { try integer.toInternal(2.5) }
        #expect(throws: TuningError.self) { try integer.toInternal("6") }

        let float = Distribution.float(try FloatDistribution(low: 0, high: 1, step: 0.1))
        #expect(try float.toInternal(.int(1)) == 1)
        #expect(float.contains(internal: 0.7))
        #expect(!float.contains(internal: 0.75))
        #expect(!float.contains(internal: 1.1))
        #expect(throws: TuningError.self) { try float.toInternal(.bool(true)) }
    }

    @Test func singleValuedDistributions() throws {
        #expect(Distribution.float(try FloatDistribution(low: 1, high: 1)).isSingle)
        #expect(Distribution.float(try FloatDistribution(low: 0, high: 0.5, step: 1)).isSingle)
        #expect(!Distribution.float(try FloatDistribution(low: 0, high: 1, step: 1)).isSingle)
        #expect(Distribution.int(try IntDistribution(low: 3, high: 3)).isSingle)
        #expect(Distribution.int(try IntDistribution(low: 0, high: 2, step: 5)).isSingle)
        #expect(Distribution.categorical(try CategoricalDistribution(choices: ["only"])).isSingle)
        #expect(!Distribution.categorical(try CategoricalDistribution(choices: ["a", "b"])).isSingle)
    }

    @Test func compatibilityAcrossAStudy() throws {
        let linear = Distribution.float(try FloatDistribution(low: 1, high: 2))
        let wider = Distribution.float(try FloatDistribution(low: 0.5, high: 4, step: 0.5))
        let logarithmic = Distribution.float(try FloatDistribution(low: 1, high: 2, log: true))
        let integer = Distribution.int(try IntDistribution(low: 1, high: 2))
        let abc = Distribution.categorical(try CategoricalDistribution(choices: ["a", "b", "c"]))
        let ab = Distribution.categorical(try CategoricalDistribution(choices: ["a", "b"]))
        try linear.checkCompatible(with: wider, name: "x")  // range and step may change
        for (old, new) in [(linear, logarithmic), (linear, integer), (abc, ab), (integer, abc)] {
            let error = #expect(throws: TuningError.self) { try old.checkCompatible(with: new, name: "x") }
            #expect(error?.code == .incompatibleDistribution)
            #expect(error?.message.contains("'x'") == true)
        }
    }

    @Test func samplingSpaceRoundTrip() throws {
        let stepped = Distribution.int(try IntDistribution(low: 0, high: 9, step: 3))
        #expect(stepped.samplingBounds == (-1.5, 10.5))
        #expect(stepped.fromSamplingSpace(10.4) == 9)
        #expect(stepped.fromSamplingSpace(-1.4) == 0)
        #expect(stepped.fromSamplingSpace(4.4) == 3)
        let logInt = Distribution.int(try IntDistribution(low: 1, high: 256, log: true))
        #expect(abs(logInt.samplingBounds.low - TuningMath.log(0.5)) < 1e-15)
        #expect(logInt.fromSamplingSpace(TuningMath.log(300)) == 256)
        let continuous = Distribution.float(try FloatDistribution(low: 0, high: 1))
        #expect(continuous.fromSamplingSpace(1) < 1)
    }
}

@Suite("Seeded random numbers")
struct TuningRandomTests {
    @Test func sameSeedSameSequenceAndRanges() {
        var first = TuningRandom(seed: 99)
        var second = TuningRandom(seed: 99)
        var other = TuningRandom(seed: 100)
        let a = (0..<50).map { _ in first.next() }
        #expect(a == (0..<50).map { _ in second.next() })
        #expect(a != (0..<50).map { _ in other.next() })
        var counts = [Int](repeating: 0, count: 3)
        for _ in 0..<3000 {
            let double = first.nextDouble()
            #expect(double >= 0 && double < 1)
            counts[first.index(below: 3)] += 1
        }
        #expect(counts.allSatisfy { $0 > 900 && $0 < 1100 })
        #expect(first.index(below: 1) == 0)
    }
}
