import Testing
@testable import SweptLearn

@Suite struct MetricsTests {
    @Test func confusionPrecisionRecallF1() throws {
        let actual: [Int32] = [0, 0, 0, 1, 1, 2]
        let predicted: [Int32] = [0, 0, 1, 1, 2, 2]
        let m = try ClassificationMetrics(predicted: predicted, actual: actual, classCount: 3)
        #expect(m.confusion == [[2, 1, 0], [0, 1, 1], [0, 0, 1]])
        #expect(abs(m.accuracy - 4.0 / 6) < 1e-12)
        let per = m.perClass
        #expect(per[0] == ClassScores(precision: 1, recall: 2.0 / 3, f1: 0.8, support: 3))
        #expect(per[1].precision == 0.5 && per[1].recall == 0.5 && per[1].f1 == 0.5)
        #expect(per[2].precision == 0.5 && per[2].recall == 1)
        #expect(abs(m.macro.precision - (1 + 0.5 + 0.5) / 3) < 1e-12)
        #expect(abs(m.macro.f1 - (0.8 + 0.5 + 2.0 / 3) / 3) < 1e-12)
        #expect(throws: LearnError.self) { try ClassificationMetrics(predicted: [0], actual: [0, 1], classCount: 2) }
        #expect(throws: LearnError.self) { try ClassificationMetrics(predicted: [5], actual: [0], classCount: 2) }
    }

    @Test func logLoss() throws {
        let p = try Matrix([[0.9, 0.1], [0.2, 0.8], [0.5, 0.5]])
        let value = try ClassificationMetrics.logLoss(probabilities: p, actual: [0, 1, 0])
        #expect(abs(value - (-(log(0.9) + log(0.8) + log(0.5)) / 3)) < 1e-6)
    }

    @Test func binaryROCAUCMatchesHandCountWithTies() throws {
        // Pairs (pos, neg): pos scores 0.8, 0.4; neg scores 0.4, 0.1, 0.6.
        // 0.8 beats all 3; 0.4 ties 0.4 (½), beats 0.1, loses to 0.6 → (3 + 1.5) / 6.
        let auc = try ClassificationMetrics.rocAUC(
            scores: [0.8, 0.4, 0.4, 0.1, 0.6], positives: [true, true, false, false, false])
        #expect(abs(auc - 0.75) < 1e-12)
        #expect(try ClassificationMetrics.rocAUC(scores: [0.1, 0.9], positives: [false, true]) == 1)
        #expect(throws: LearnError.self) { try ClassificationMetrics.rocAUC(scores: [0.1], positives: [true]) }
    }

    @Test func oneVsRestROCAUC() throws {
        let p = try Matrix([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6], [0.3, 0.4, 0.3]])
        let (perClass, macro) = try ClassificationMetrics.rocAUCOneVsRest(probabilities: p, actual: [0, 1, 2, 1])
        #expect(perClass.count == 3)
        #expect(perClass.allSatisfy { $0 == 1 })
        #expect(macro == 1)
    }

    @Test func regressionMetrics() throws {
        let m = try RegressionMetrics(predicted: [1, 2, 4], actual: [1, 3, 3])
        #expect(abs(m.rmse - (2.0 / 3).squareRoot()) < 1e-9)
        #expect(abs(m.mae - 2.0 / 3) < 1e-9)
        #expect(abs(m.r2 - 0.25) < 1e-9)  // SS_res 2, SS_tot 8/3
        #expect(throws: LearnError.self) { try RegressionMetrics(predicted: [1], actual: [1, 2]) }
    }
}

#if canImport(Glibc)
import Glibc
#endif
