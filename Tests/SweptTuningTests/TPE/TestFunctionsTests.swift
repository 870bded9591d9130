import Testing
@testable import SweptTuning

@Suite("Test functions")
struct TestFunctionsTests {
    @Test("each function reaches its documented minimum at its argmin", arguments: TestFunctions.all.map(\.name))
    func minimumAtArgmin(_ name: String) throws {
        let f = try #require(TestFunctions.named(name))
        let value = f.evaluate(f.argmin)
        #expect(abs(value - f.minimum) <= 1e-4 * max(1, abs(f.minimum)), "\(name): \(value) vs \(f.minimum)")
    }

    @Test("no random point of the space goes below the minimum; argmin values lie inside the space",
          arguments: TestFunctions.all.map(\.name))
    func minimumIsALowerBound(_ name: String) throws {
        let f = try #require(TestFunctions.named(name))
        let sampler = RandomSampler(seed: 11)
        for _ in 0..<2_000 {
            var params: [String: ParamValue] = [:]
            for (param, distribution) in f.space {
                params[param] = distribution.toExternal(sampler.sample(distribution))
            }
            #expect(f.evaluate(params) >= f.minimum - 1e-9)
        }
        for (param, distribution) in f.space {
            let value = try #require(f.argmin[param])
            #expect(distribution.contains(internal: try distribution.toInternal(value)), "\(name).\(param)")
        }
    }

    @Test("branin's three minima and hartmann6's published value")
    func knownValues() {
        let b = TestFunctions.branin
        for (x1, x2) in [(-Double.pi, 12.275), (Double.pi, 2.275), (9.42478, 2.475)] {
            #expect(abs(b.evaluate(["x1": .float(x1), "x2": .float(x2)]) - 0.397887) < 1e-5)
        }
        #expect(abs(TestFunctions.hartmann6.minimum - -3.32237) < 1e-5)
        #expect(abs(TestFunctions.styblinskiTang(dimensions: 8).minimum - -39.16617 * 8) < 1e-3)
    }
}
