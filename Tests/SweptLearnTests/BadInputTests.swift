import Testing
@testable import SweptLearn

/// Bad input throws errors that name the value and what was expected.
@Suite struct BadInputTests {
    static func expectError(_ fragments: [String], _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("expected an error mentioning \(fragments)")
        } catch let error as LearnError {
            for fragment in fragments {
                #expect(error.message.contains(fragment), "\"\(error.message)\" lacks \"\(fragment)\"")
            }
        } catch {
            Issue.record("unexpected error type: \(error)")
        }
    }

    @Test func mismatchedFeatureCount() throws {
        let data = try TestData.blobs(rows: 10, features: 5, classes: 2, seed: 1)
        var network = try NeuralNetwork.mlp(inputCount: 4, hidden: [3], classes: 2)
        Self.expectError(["5 features", "expects 4"]) {
            _ = try Trainer(configuration: TrainingConfiguration()).fit(&network, training: data)
        }
        Self.expectError(["5 columns", "expects 4"]) { _ = try network.predict(data.features) }
        Self.expectError(["validation data", "expects 4"]) {
            let good = try TestData.blobs(rows: 10, features: 4, classes: 2, seed: 1)
            _ = try Trainer(configuration: TrainingConfiguration()).fit(&network, training: good, validation: data)
        }
    }

    @Test func emptyDatasets() throws {
        Self.expectError(["empty", "at least one row"]) {
            _ = try Dataset(features: Matrix(rows: 0, columns: 3), labels: [], classCount: 2)
        }
        Self.expectError(["0 features"]) {
            _ = try Dataset(features: Matrix(rows: 2, columns: 0), labels: [0, 1], classCount: 2)
        }
    }

    @Test(arguments: [Int32(-1), 3, 10])
    func labelsOutOfRange(label: Int32) throws {
        Self.expectError(["label \(label)", "row 1", "0..<3"]) {
            _ = try Dataset(features: Matrix(rows: 2, columns: 1), labels: [0, label], classCount: 3)
        }
    }

    @Test func labelCountMismatchAndTooManyClasses() throws {
        Self.expectError(["(3)", "got 2"]) {
            _ = try Dataset(features: Matrix(rows: 3, columns: 1), labels: [0, 1], classCount: 2)
        }
        let data = try TestData.blobs(rows: 20, features: 2, classes: 4, seed: 2)
        var network = try NeuralNetwork.mlp(inputCount: 2, hidden: [3], classes: 3)
        Self.expectError(["4 classes", "has 3"]) {
            _ = try Trainer(configuration: TrainingConfiguration()).fit(&network, training: data)
        }
    }

    @Test(arguments: [0, -4])
    func zeroSizeLayers(units: Int) {
        Self.expectError(["hidden layer 1", "\(units) units", "at least 1"]) {
            _ = try NeuralNetwork.mlp(inputCount: 4, hidden: [3, units], classes: 2)
        }
        Self.expectError(["inputCount \(units)"]) {
            _ = try NeuralNetwork.softmaxRegression(inputCount: units, classes: 2)
        }
    }

    @Test(arguments: [Float(-0.1), 0, .nan, .infinity])
    func nonPositiveLearningRates(rate: Float) {
        var c = TrainingConfiguration()
        c.learningRate = rate
        Self.expectError(["learningRate \(rate)", "positive"]) { _ = try Trainer(configuration: c) }
    }

    @Test func otherConfigurationFields() {
        var c = TrainingConfiguration()
        c.epochs = 0
        Self.expectError(["epochs 0"]) { _ = try Trainer(configuration: c) }
        c = TrainingConfiguration()
        c.batchSize = -1
        Self.expectError(["batchSize -1"]) { _ = try Trainer(configuration: c) }
        c = TrainingConfiguration()
        c.weightDecay = -1
        Self.expectError(["weightDecay -1"]) { _ = try Trainer(configuration: c) }
        c = TrainingConfiguration()
        c.optimizer = .sgd(momentum: 1.5)
        Self.expectError(["momentum 1.5"]) { _ = try Trainer(configuration: c) }
        c = TrainingConfiguration()
        c.earlyStopping = EarlyStopping(patience: 0)
        Self.expectError(["patience 0"]) { _ = try Trainer(configuration: c) }
        Self.expectError(["dropout 1.0"]) {
            _ = try NeuralNetwork.mlp(inputCount: 2, hidden: [2], dropout: 1, classes: 2)
        }
    }

    @Test func wrongTargetKinds() throws {
        let regression = try TestData.linear(rows: 10, weights: [1], noise: 0, seed: 3)
        var classifier = try NeuralNetwork.softmaxRegression(inputCount: 1, classes: 2)
        Self.expectError(["real-valued targets", "class labels"]) {
            _ = try Trainer(configuration: TrainingConfiguration()).fit(&classifier, training: regression)
        }
        let three = try TestData.blobs(rows: 12, features: 1, classes: 3, seed: 4)
        var logistic = try NeuralNetwork.logisticRegression(inputCount: 1)
        Self.expectError(["3 classes", "expects 2"]) {
            _ = try Trainer(configuration: TrainingConfiguration()).fit(&logistic, training: three)
        }
    }
}
