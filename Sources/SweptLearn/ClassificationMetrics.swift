#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Precision, recall and F1 for one class (or their macro average).
public struct ClassScores: Sendable, Equatable {
    /// `tp / (tp + fp)`, 0 when nothing was predicted as the class.
    public let precision: Double
    /// `tp / (tp + fn)`, 0 when the class never occurs.
    public let recall: Double
    /// Harmonic mean of precision and recall, 0 when both are 0.
    public let f1: Double
    /// How many rows truly belong to the class (for the macro average: all rows).
    public let support: Int
}

/// Classification metrics computed from predicted classes (and probabilities where needed).
public struct ClassificationMetrics: Sendable, Equatable {
    /// Number of classes.
    public let classCount: Int
    /// `confusion[actual][predicted]` counts.
    public let confusion: [[Int]]

    /// Builds the confusion matrix; throws when the lengths differ, the input is empty, or a class is out of range.
    public init(predicted: [Int32], actual: [Int32], classCount: Int) throws {
        guard predicted.count == actual.count else {
            throw LearnError.shape(
                "classification metrics: \(predicted.count) predictions for \(actual.count) labels; expected equal")
        }
        guard !actual.isEmpty else { throw LearnError.data("classification metrics: no labels; expected at least one") }
        guard classCount >= 2 else { throw LearnError.parameter("classCount \(classCount): expected at least 2") }
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: classCount), count: classCount)
        for (row, (p, a)) in zip(predicted, actual).enumerated() {
            guard p >= 0, Int(p) < classCount, a >= 0, Int(a) < classCount else {
                throw LearnError.data(
                    "row \(row): predicted \(p), actual \(a): expected classes in 0..<\(classCount)")
            }
            confusion[Int(a)][Int(p)] += 1
        }
        self.classCount = classCount
        self.confusion = confusion
    }

    /// Fraction of rows predicted correctly.
    public var accuracy: Double {
        let total = confusion.joined().reduce(0, +)
        let correct = (0..<classCount).reduce(0) { $0 + confusion[$1][$1] }
        return Double(correct) / Double(total)
    }

    /// Precision, recall and F1 for each class.
    public var perClass: [ClassScores] {
        (0..<classCount).map { c in
            let tp = Double(confusion[c][c])
            let actual = confusion[c].reduce(0, +)
            let predicted = confusion.reduce(0) { $0 + $1[c] }
            let precision = predicted > 0 ? tp / Double(predicted) : 0
            let recall = actual > 0 ? tp / Double(actual) : 0
            let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
            return ClassScores(precision: precision, recall: recall, f1: f1, support: actual)
        }
    }

    /// Unweighted mean of the per-class scores (scikit-learn's `average="macro"`).
    public var macro: ClassScores {
        let scores = perClass
        let k = Double(scores.count)
        return ClassScores(
            precision: scores.map(\.precision).reduce(0, +) / k, recall: scores.map(\.recall).reduce(0, +) / k,
            f1: scores.map(\.f1).reduce(0, +) / k, support: scores.map(\.support).reduce(0, +))
    }

    /// Mean negative log-likelihood of the true class; probabilities are clipped to `[1e-7, 1]`.
    /// Throws when the shapes disagree.
    public static func logLoss(probabilities: Matrix, actual: [Int32]) throws -> Double {
        guard probabilities.rows == actual.count, !actual.isEmpty else {
            throw LearnError.shape(
                "log loss: probabilities \(probabilities.shapeDescription) for \(actual.count) labels; "
                    + "expected one non-empty row per label")
        }
        var total: Double = 0
        for (r, label) in actual.enumerated() {
            guard label >= 0, Int(label) < probabilities.columns else {
                throw LearnError.data("log loss: label \(label) at row \(r): expected 0..<\(probabilities.columns)")
            }
            total -= log(max(Double(probabilities[r, Int(label)]), 1e-7))
        }
        return total / Double(actual.count)
    }

    /// Binary ROC AUC: the probability that a random positive scores above a random negative (ties count half).
    /// Throws when the lengths differ or either class is absent.
    public static func rocAUC(scores: [Float], positives: [Bool]) throws -> Double {
        guard scores.count == positives.count else {
            throw LearnError.shape("ROC AUC: \(scores.count) scores for \(positives.count) labels; expected equal")
        }
        let positiveCount = positives.filter { $0 }.count
        let negativeCount = positives.count - positiveCount
        guard positiveCount > 0, negativeCount > 0 else {
            throw LearnError.data(
                "ROC AUC: \(positiveCount) positives and \(negativeCount) negatives; expected at least one of each")
        }
        // Mann–Whitney U from average ranks.
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum: Double = 0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count, scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let averageRank = Double(i + j) / 2 + 1
            for k in i...j where positives[order[k]] { rankSum += averageRank }
            i = j + 1
        }
        let p = Double(positiveCount), n = Double(negativeCount)
        return (rankSum - p * (p + 1) / 2) / (p * n)
    }

    /// One-vs-rest ROC AUC per class and their unweighted mean, from class probabilities. Classes absent from
    /// `actual` (or present in every row) are left out of the mean and reported as `nil`.
    public static func rocAUCOneVsRest(
        probabilities: Matrix, actual: [Int32]
    ) throws -> (perClass: [Double?], macro: Double) {
        guard probabilities.rows == actual.count else {
            throw LearnError.shape(
                "ROC AUC: probabilities \(probabilities.shapeDescription) for \(actual.count) labels; "
                    + "expected one row each")
        }
        var perClass: [Double?] = []
        for c in 0..<probabilities.columns {
            let positives = actual.map { Int($0) == c }
            let count = positives.filter { $0 }.count
            if count == 0 || count == actual.count {
                perClass.append(nil)
                continue
            }
            let scores = (0..<probabilities.rows).map { probabilities[$0, c] }
            perClass.append(try rocAUC(scores: scores, positives: positives))
        }
        let defined = perClass.compactMap { $0 }
        guard !defined.isEmpty else {
            throw LearnError.data("ROC AUC one-vs-rest: no class has both positives and negatives")
        }
        return (perClass, defined.reduce(0, +) / Double(defined.count))
    }
}
