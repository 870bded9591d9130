extension NeuralNetwork {
    /// The network's outputs for each row of `features`: class probabilities (softmax), the positive-class
    /// probability (sigmoid, one column), or the predicted values (linear). Throws when the feature count differs.
    public func predict(_ features: Matrix) throws -> Matrix {
        guard features.columns == inputCount else {
            throw LearnError.shape(
                "features \(features.shapeDescription) have \(features.columns) columns: "
                    + "the model expects \(inputCount)")
        }
        let workspace = Workspace(network: self, capacity: min(max(features.rows, 1), 1024), training: false)
        let width = head.outputCount
        var out = [Float](repeating: 0, count: features.rows * width)
        forEachChunk(features, workspace: workspace) { start, rows, logits in
            LossKernels.outputs(head: head, logits: logits, rows: rows)
            out.withUnsafeMutableBufferPointer { o in
                guard let base = o.baseAddress else { return }
                (base + start * width).update(from: logits, count: rows * width)
            }
        }
        return Matrix(uncheckedRows: features.rows, columns: width, values: out)
    }

    /// Predicted class per row (argmax of the probabilities; for a sigmoid head, probability ≥ 0.5).
    public func predictClasses(_ features: Matrix) throws -> [Int32] {
        let outputs = try predict(features)
        if case .sigmoid = head {
            return outputs.values.map { $0 >= 0.5 ? 1 : 0 }
        }
        return outputs.rowArgmax()
    }

    /// Metrics of the network on `dataset`. Classification: `loss` (cross-entropy), `accuracy`. Regression:
    /// `loss` (MSE), `rmse`, `mae`, `r2`. Throws when the data does not fit the network.
    public func evaluate(_ dataset: Dataset) throws -> [String: Double] {
        try check(dataset, name: "evaluation data")
        let workspace = Workspace(network: self, capacity: min(dataset.rowCount, 1024), training: false)
        return try evaluate(dataset, workspace: workspace)
    }

    func evaluate(_ dataset: Dataset, workspace: Workspace) throws -> [String: Double] {
        let lossWorkspaceGradient = [Float](repeating: 0, count: workspace.capacity * head.outputCount)
        var lossSum: Double = 0
        var correct = 0
        var predictions = [Float]()
        if case .values = dataset.targets { predictions.reserveCapacity(dataset.rowCount * head.outputCount) }
        var scratch = lossWorkspaceGradient
        forEachChunk(dataset.features, workspace: workspace) { start, rows, logits in
            scratch.withUnsafeMutableBufferPointer { gradient in
                guard let g = gradient.baseAddress else { return }
                switch dataset.targets {
                case .classes(let labels, _):
                    labels.withUnsafeBufferPointer { all in
                        guard let l = all.baseAddress else { return }
                        lossSum += LossKernels.lossAndGradient(
                            head: head, logits: logits, labels: l + start, targets: logits, rows: rows, gradient: g
                        )
                        LossKernels.outputs(head: head, logits: logits, rows: rows)
                        correct += Self.countCorrect(head: head, outputs: logits, labels: l + start, rows: rows)
                    }
                case .values(let targets):
                    targets.withUnsafeBufferPointer { all in
                        guard let t = all.baseAddress else { return }
                        lossSum += LossKernels.lossAndGradient(
                            head: head, logits: logits, labels: workspace.labels,
                            targets: t + start * head.outputCount, rows: rows, gradient: g)
                        let count = rows * head.outputCount
                        predictions.append(contentsOf: UnsafeBufferPointer(start: logits, count: count))
                    }
                }
            }
        }
        let n = Double(dataset.rowCount)
        switch dataset.targets {
        case .classes:
            return ["loss": lossSum / n, "accuracy": Double(correct) / n]
        case .values(let targets):
            let predicted = Matrix(uncheckedRows: targets.rows, columns: targets.columns, values: predictions)
            let regression = try RegressionMetrics(predicted: predicted, actual: targets)
            return ["loss": lossSum / n, "rmse": regression.rmse, "mae": regression.mae, "r2": regression.r2]
        }
    }

    private static func countCorrect(
        head: OutputHead, outputs: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int
    ) -> Int {
        var correct = 0
        switch head {
        case .softmax(let classes):
            for r in 0..<rows {
                let row = outputs + r * classes
                var best = 0
                for j in 1..<classes where row[j] > row[best] { best = j }
                if best == Int(labels[r]) { correct += 1 }
            }
        case .sigmoid:
            for r in 0..<rows where (outputs[r] >= 0.5 ? 1 : 0) == labels[r] { correct += 1 }
        case .linear:
            break
        }
        return correct
    }

    /// Runs the forward pass over `features` in chunks of the workspace's capacity; `body` gets each chunk's start
    /// row, row count and logits (which it may overwrite).
    private func forEachChunk(
        _ features: Matrix, workspace: Workspace, _ body: (Int, Int, UnsafeMutablePointer<Float>) -> Void
    ) {
        let width = features.columns
        parameters.withUnsafeBufferPointer { params in
            features.withUnsafeBufferPointer { source in
                guard let p = params.baseAddress, let base = source.baseAddress else { return }
                var start = 0
                while start < features.rows {
                    let rows = min(workspace.capacity, features.rows - start)
                    workspace.input.update(from: base + start * width, count: rows * width)
                    workspace.forward(parameters: p, rows: rows, dropoutGenerator: nil)
                    body(start, rows, workspace.outputs[layouts.count - 1])
                    start += rows
                }
            }
        }
    }
}
