import Testing
@testable import SweptLearn

/// The analytic gradients of every head and activation agree with central finite differences.
@Suite struct GradientTests {
    /// Mean loss and its parameter gradient over the whole dataset as one batch.
    static func lossAndGradient(_ network: NeuralNetwork, _ data: Dataset) -> (Double, [Float]) {
        let workspace = Workspace(network: network, capacity: data.rowCount, training: true)
        let order = (0..<data.rowCount).map { Int32($0) }
        workspace.gather(data, order: order, start: 0, count: data.rowCount)
        let last = network.layouts.count - 1
        var loss: Double = 0
        network.parameters.withUnsafeBufferPointer { p in
            guard let base = p.baseAddress else { return }
            workspace.forward(parameters: base, rows: data.rowCount, dropoutGenerator: nil)
            loss = LossKernels.lossAndGradient(
                head: network.head, logits: workspace.outputs[last], labels: workspace.labels,
                targets: workspace.targets, rows: data.rowCount, gradient: workspace.gradients[last])
            workspace.backward(parameters: base, rows: data.rowCount, dropoutActive: false)
        }
        return (loss / Double(data.rowCount), Array(workspace.parameterGradients))
    }

    static func check(_ network: NeuralNetwork, _ data: Dataset) {
        let (_, analytic) = lossAndGradient(network, data)
        let h: Float = 1e-2
        // Every parameter of a small network.
        for i in 0..<network.parameters.count {
            var plus = network
            plus.parameters[i] += h
            var minus = network
            minus.parameters[i] -= h
            let numeric = Float((lossAndGradient(plus, data).0 - lossAndGradient(minus, data).0) / Double(2 * h))
            let tolerance = 3e-3 + 3e-2 * abs(numeric)
            #expect(
                abs(numeric - analytic[i]) <= tolerance, "parameter \(i): numeric \(numeric), analytic \(analytic[i])")
        }
    }

    @Test(arguments: [Activation.relu, .tanh, .gelu, .sigmoid])
    func mlpSoftmaxGradients(activation: Activation) throws {
        let data = try TestData.blobs(rows: 12, features: 4, classes: 3, seed: 5)
        let network = try NeuralNetwork(
            inputCount: 4, hiddenLayers: [DenseLayer(units: 5, activation: activation),
                                          DenseLayer(units: 3, activation: activation)],
            head: .softmax(classes: 3), seed: 9)
        Self.check(network, data)
    }

    @Test func logisticGradients() throws {
        let blobs = try TestData.blobs(rows: 10, features: 3, classes: 2, seed: 6)
        var network = try NeuralNetwork(inputCount: 3, hiddenLayers: [DenseLayer(units: 4, activation: .tanh)],
                                        head: .sigmoid, seed: 3)
        network.parameters = network.parameters.map { $0 * 0.5 }
        Self.check(network, blobs)
    }

    @Test func linearGradients() throws {
        let data = try TestData.linear(rows: 9, weights: [1, -2, 0.5], noise: 0.1, seed: 7)
        let network = try NeuralNetwork(inputCount: 3, hiddenLayers: [DenseLayer(units: 4, activation: .gelu)],
                                        head: .linear(outputs: 1), seed: 4)
        Self.check(network, data)
    }

    @Test func softmaxLossIsStableForHugeLogits() {
        let logits: [Float] = [1000, -1000, 0, 0, 0, 5000]
        let labels: [Int32] = [0, 0]
        var gradient = [Float](repeating: 0, count: 6)
        let loss = LossKernels.lossAndGradient(
            head: .softmax(classes: 3), logits: logits, labels: labels, targets: logits, rows: 2, gradient: &gradient)
        #expect(loss.isFinite)
        #expect(abs(loss - 5000) < 1)  // row 0 is right (≈ 0); row 1 misses by 5000
        #expect(gradient.allSatisfy { $0.isFinite })
    }
}
