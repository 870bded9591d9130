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
        try evaluate(dataset, workspaces: [workspace], team: nil)
    }

    /// Metrics on `dataset` in chunks of the workspaces' capacity: chunk `c` on `workspaces[c % parts]`, one part
    /// per thread of `team` (single-threaded BLAS in each, as in its training steps) or all on this thread. Each
    /// chunk's loss is added in chunk order, so the result does not depend on which thread ran which chunk.
    /// With a team, OpenBLAS is left at one thread (the caller restores its count).
    func evaluate(_ dataset: Dataset, workspaces: [Workspace], team: ThreadTeam?) throws -> [String: Double] {
        let team = team.flatMap { workspaces.count >= $0.parts ? $0 : nil }
        if team != nil { BLAS.setThreadCountUnchecked(1) }  // several threads call it at once
        let capacity = workspaces.map(\.capacity).min() ?? 0
        guard capacity > 0 else { throw LearnError.parameter("evaluation needs a workspace with room for a row") }
        let chunks = (dataset.rowCount + capacity - 1) / capacity
        var losses = [Double](repeating: 0, count: chunks)
        var corrects = [Int](repeating: 0, count: chunks)
        var predictions = [Float]()
        if case .values = dataset.targets {
            predictions = [Float](repeating: 0, count: dataset.rowCount * head.outputCount)
        }
        losses.withUnsafeMutableBufferPointer { lossOut in
            corrects.withUnsafeMutableBufferPointer { correctOut in
                predictions.withUnsafeMutableBufferPointer { predictionOut in
                    let (lossOut, correctOut, predictionOut) = (lossOut, correctOut, predictionOut)
                    let parts = team?.parts ?? 1
                    func work(_ part: Int) {
                        let workspace = workspaces[part % workspaces.count]
                        // The loss kernels' gradient output, unused here: one buffer per part.
                        var gradient = [Float](repeating: 0, count: workspace.capacity * head.outputCount)
                        for chunk in stride(from: part, to: chunks, by: parts) {
                            let start = chunk * capacity
                            let rows = min(capacity, dataset.rowCount - start)
                            (lossOut[chunk], correctOut[chunk]) = evaluateChunk(
                                dataset, start: start, rows: rows, workspace: workspace,
                                gradient: &gradient, predictions: predictionOut.baseAddress)
                        }
                    }
                    if let team {
                        team.run { part in work(part) }
                    } else {
                        work(0)
                    }
                }
            }
        }
        let lossSum = losses.reduce(0, +)
        let n = Double(dataset.rowCount)
        switch dataset.targets {
        case .classes:
            return ["loss": lossSum / n, "accuracy": Double(corrects.reduce(0, +)) / n]
        case .values(let targets):
            let predicted = Matrix(uncheckedRows: targets.rows, columns: targets.columns, values: predictions)
            let regression = try RegressionMetrics(predicted: predicted, actual: targets)
            return ["loss": lossSum / n, "rmse": regression.rmse, "mae": regression.mae, "r2": regression.r2]
        }
    }

    /// The forward pass over rows `start..<start + rows` on `workspace`: their summed loss and (classification)
    /// how many are predicted right; regression outputs go to `predictions` at the rows' place.
    private func evaluateChunk(
        _ dataset: Dataset, start: Int, rows: Int, workspace: Workspace, gradient: inout [Float],
        predictions: UnsafeMutablePointer<Float>?
    ) -> (loss: Double, correct: Int) {
        let logits = forwardChunk(dataset.features, start: start, rows: rows, workspace: workspace)
        return gradient.withUnsafeMutableBufferPointer { scratch in
            guard let g = scratch.baseAddress else { return (0.0, 0) }
            switch dataset.targets {
            case .classes(let labels, _):
                return labels.withUnsafeBufferPointer { all in
                    guard let l = all.baseAddress else { return (0.0, 0) }
                    let loss = LossKernels.lossAndGradient(
                        head: head, logits: logits, labels: l + start, targets: logits, rows: rows, gradient: g)
                    LossKernels.outputs(head: head, logits: logits, rows: rows)
                    return (loss, Self.countCorrect(head: head, outputs: logits, labels: l + start, rows: rows))
                }
            case .values(let targets):
                return targets.withUnsafeBufferPointer { all in
                    guard let t = all.baseAddress else { return (0.0, 0) }
                    let loss = LossKernels.lossAndGradient(
                        head: head, logits: logits, labels: workspace.labels,
                        targets: t + start * head.outputCount, rows: rows, gradient: g)
                    let count = rows * head.outputCount
                    predictions?.advanced(by: start * head.outputCount).update(from: logits, count: count)
                    return (loss, 0)
                }
            }
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
        var start = 0
        while start < features.rows {
            let rows = min(workspace.capacity, features.rows - start)
            body(start, rows, forwardChunk(features, start: start, rows: rows, workspace: workspace))
            start += rows
        }
    }

    /// Copies rows `start..<start + rows` of `features` into `workspace` and runs the forward pass on them;
    /// returns the workspace's logits for those rows.
    private func forwardChunk(
        _ features: Matrix, start: Int, rows: Int, workspace: Workspace
    ) -> UnsafeMutablePointer<Float> {
        let width = features.columns
        parameters.withUnsafeBufferPointer { params in
            features.withUnsafeBufferPointer { source in
                guard let p = params.baseAddress, let base = source.baseAddress else { return }
                workspace.input.update(from: base + start * width, count: rows * width)
                workspace.forward(parameters: p, rows: rows, dropoutGenerator: nil)
            }
        }
        return workspace.outputs[layouts.count - 1]
    }
}
