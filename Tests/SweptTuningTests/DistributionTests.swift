import SweptTuning
import Testing

@Suite("Distributions")
struct DistributionTests {
    @Test func floatStepLowersHighOntoGrid() throws {
        let distribution = try FloatDistribution(low: 0, high: 1, step: 0.3)
        #expect(abs(distribution.high - 0.9) < 1e-12)
    }
}
