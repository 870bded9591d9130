import Testing
@testable import SweptTuning

/// The cached above group (TPEAboveGroup + TPEMixture) against the reference `ParzenEstimator.logPDF` over the
/// same trials in trial-number order: densities within 1e-9 and the same argmax, across many asks in which
/// trials finish out of order, the below group changes and running trials come and go.
@Suite("TPE fast path equals the reference Parzen densities")
struct TPEFastPathTests {
    static let spaces: [[ParzenDimension]] = [
        // The benchmark's space: 6 floats, log float, log int, 3-way categorical.
        Array(repeating: ParzenDimension(low: -5, high: 5, step: nil, log: false), count: 6) + [
            ParzenDimension(low: 1e-5, high: 1e-1, step: nil, log: true),
            ParzenDimension(low: 1, high: 256, step: 1, log: true),
            ParzenDimension(categoricalChoices: 3),
        ],
        // Stepped float, int with step, plain int, two categoricals.
        [
            ParzenDimension(low: 0, high: 2, step: 0.25, log: false),
            ParzenDimension(low: -10, high: 20, step: 5, log: false),
            ParzenDimension(low: 0, high: 9, step: 1, log: false),
            ParzenDimension(categoricalChoices: 2), ParzenDimension(categoricalChoices: 5),
        ],
    ]

    static func draw(_ dim: ParzenDimension, _ rng: inout TuningRandom) -> Double {
        switch dim.kernel {
        case .categorical(let choices): return Double(rng.index(below: choices))
        case .continuous: return dim.untransform(rng.uniform(dim.adaptedLow, dim.adaptedHigh))
        case .discrete: return dim.untransform(rng.uniform(dim.adaptedLow, dim.adaptedHigh))
        }
    }

    /// With `withRunning` false there are no running trials and the group starts at 120 trials, so past the
    /// clip floor's last change the bandwidths are updated locally around added and re-split slots.
    @Test("densities within 1e-9 and the same argmax over many asks",
          arguments: [(0, true, true), (0, false, true), (1, true, true), (1, false, true), (0, true, false),
                      (0, false, false), (1, true, false)])
    func agreesWithReference(spaceIndex: Int, endpoints: Bool, withRunning: Bool) {
        let dims = Self.spaces[spaceIndex]
        let parameters = ParzenEstimatorParameters(considerEndpoints: endpoints)
        let group = TPEAboveGroup(dimensions: dims, parameters: parameters)
        var rng = TuningRandom(seed: UInt64(7 + spaceIndex))
        var trials: [Int: [Double]] = [:]
        var nextNumber = 0
        for ask in 0..<40 {
            // Two to ten trials finish per ask, sometimes with a number below one already held; duplicates too.
            for _ in 0..<(2 + rng.index(below: 9) + (withRunning || ask > 0 ? 0 : 120)) {
                let number = nextNumber + (rng.index(below: 4) == 0 ? 1 : 0)
                nextNumber = max(nextNumber, number) + 1
                let values = rng.index(below: 10) == 0 && !trials.isEmpty
                    ? trials.values.first ?? [] : dims.map { Self.draw($0, &rng) }
                trials[number] = values
                group.add(number: number, internalValues: values)
            }
            // Missing numbers (skipped above) finish late.
            if ask % 7 == 6 {
                for number in 0..<nextNumber where trials[number] == nil {
                    let values = dims.map { Self.draw($0, &rng) }
                    trials[number] = values
                    group.add(number: number, internalValues: values)
                }
            }
            let held = trials.keys.sorted()
            let excluded = Set(held.filter { _ in rng.index(below: 10) == 0 })
            let running = (0..<(withRunning ? rng.index(below: 3) : 0)).map { i in
                (number: nextNumber + 100 + i, values: dims.map { Self.draw($0, &rng) })
            }
            group.prepare(excluded: excluded, running: running)

            var columns = Array(repeating: [Double](), count: dims.count)
            let members = held.filter { !excluded.contains($0) }.map { trials[$0] ?? [] } + running.map(\.values)
            for row in members { for d in dims.indices { columns[d].append(row[d]) } }
            let reference = ParzenEstimator(observations: columns, dimensions: dims, parameters: parameters)
            let candidates = reference.sample(count: 24, using: &rng)
            let fast = group.mixture.logDensities(candidates)
            let slow = (0..<24).map { i in reference.logPDF(candidates.map { $0[i] }) }
            for i in 0..<24 {
                #expect(abs(fast[i] - slow[i]) <= 1e-9 * max(1, abs(slow[i])), "ask \(ask) candidate \(i)")
            }
            let logL = (0..<24).map { i in Double(i % 5) * 0.01 - Double(i) * 1e-3 }
            #expect(TPESampler.argmax(logL, fast) == TPESampler.argmax(logL, slow), "ask \(ask)")
            #expect(group.count == trials.count)
        }
    }

    @Test("a small mixture evaluated in bulk equals the reference, prior included")
    func smallMixture() {
        let dims = Self.spaces[0]
        var rng = TuningRandom(seed: 3)
        for m in [0, 1, 2, 5, 25, 40] {
            let columns = dims.map { dim in (0..<m).map { _ in Self.draw(dim, &rng) } }
            let pe = ParzenEstimator(
                observations: columns, dimensions: dims, parameters: ParzenEstimatorParameters(priorWeight: 0.5))
            let points = pe.sample(count: 8, using: &rng)
            let fast = TPEMixture(pe).logDensities(points)
            for i in 0..<8 {
                let slow = pe.logPDF(points.map { $0[i] })
                #expect(abs(fast[i] - slow) <= 1e-9 * max(1, abs(slow)), "m \(m) point \(i)")
            }
        }
    }

    /// Several blocks of components, with and without the magic clip, on ordinary and tiny domains: the float
    /// bound pass either keeps every component that matters (its slack covers the rounding) or, when bandwidths
    /// are so small that single precision means nothing (no clip floor, a 1e-6-wide domain), lists everything.
    @Test("large mixtures (several blocks) equal the reference with and without the clip, on tiny domains too",
          arguments: [(true, 1.0), (false, 1.0), (true, 1e-6), (false, 1e-6)])
    func largeMixture(clip: Bool, scale: Double) {
        let dims = [
            ParzenDimension(low: -5 * scale, high: 5 * scale, step: nil, log: false),
            ParzenDimension(low: 0, high: 3 * scale, step: nil, log: false),
            ParzenDimension(low: 1e-5, high: 1e-1, step: nil, log: true),
            ParzenDimension(low: 1, high: 256, step: 1, log: true),
            ParzenDimension(categoricalChoices: 3),
        ]
        let parameters = ParzenEstimatorParameters(considerMagicClip: clip)
        var rng = TuningRandom(seed: clip ? 11 : 12)
        for m in [300, 700] {
            // Clustered observations (a tenth of them repeated) make small gaps and equal values.
            var columns = dims.map { dim in (0..<m).map { _ in Self.draw(dim, &rng) } }
            for i in stride(from: 0, to: m, by: 10) where i + 1 < m {
                for d in dims.indices { columns[d][i + 1] = columns[d][i] }
            }
            let pe = ParzenEstimator(observations: columns, dimensions: dims, parameters: parameters)
            // Candidates drawn from the mixture itself: many components lie close to each.
            let points = pe.sample(count: 24, using: &rng)
            let fast = TPEMixture(pe).logDensities(points)
            for i in 0..<24 {
                let slow = pe.logPDF(points.map { $0[i] })
                #expect(abs(fast[i] - slow) <= 1e-9 * max(1, abs(slow)), "m \(m) point \(i): \(fast[i]) vs \(slow)")
            }
        }
    }
}
