import Foundation

/// The architecture recorded in a saved network's safetensors metadata (`swept.architecture`, JSON).
struct NetworkArchitecture: Codable, Equatable {
    var inputCount: Int
    var hiddenLayers: [DenseLayer]
    var head: String
    var outputs: Int
}

extension NeuralNetwork {
    /// Tensor names: layer `i` saves `dense<i>.kernel` (`inputs × outputs`, so `x @ kernel + bias`) and
    /// `dense<i>.bias` (`outputs`).
    public func namedTensors() -> [(name: String, tensor: SafeTensor)] {
        var out: [(name: String, tensor: SafeTensor)] = []
        for (i, l) in layouts.enumerated() {
            // Shapes come from the layout, so these initializers cannot fail; fall back to skipping if they did.
            if let kernel = try? SafeTensor(shape: [l.inputs, l.outputs], values: weights(layer: i).values),
                let bias = try? SafeTensor(shape: [l.outputs], values: self.bias(layer: i))
            {
                out.append(("dense\(i).kernel", kernel))
                out.append(("dense\(i).bias", bias))
            }
        }
        return out
    }

    /// Saves the weights as safetensors with the architecture (and `metadata`) in the header's `__metadata__`.
    public func save(to path: String, metadata: [String: String] = [:]) throws {
        let (headName, outputs): (String, Int)
        switch head {
        case .softmax(let classes): (headName, outputs) = ("softmax", classes)
        case .sigmoid: (headName, outputs) = ("sigmoid", 1)
        case .linear(let n): (headName, outputs) = ("linear", n)
        }
        let architecture = NetworkArchitecture(
            inputCount: inputCount, hiddenLayers: hiddenLayers, head: headName, outputs: outputs)
        let json = String(decoding: try JSONEncoder().encode(architecture), as: UTF8.self)
        var all = metadata
        all["swept.architecture"] = json
        try SafeTensors.write(namedTensors(), metadata: all, to: path)
    }

    /// Loads a network saved by `save(to:)`. Throws naming the file when the architecture or a tensor is missing or
    /// has the wrong shape.
    public static func load(from path: String) throws -> NeuralNetwork {
        let (tensors, metadata) = try SafeTensors.read(path: path)
        guard let json = metadata["swept.architecture"],
            let architecture = try? JSONDecoder().decode(NetworkArchitecture.self, from: Data(json.utf8))
        else {
            throw LearnError.file(
                "\(path): no valid swept.architecture in __metadata__; expected a file from save(to:)")
        }
        let head: OutputHead
        switch architecture.head {
        case "softmax": head = .softmax(classes: architecture.outputs)
        case "sigmoid": head = .sigmoid
        case "linear": head = .linear(outputs: architecture.outputs)
        default:
            throw LearnError.file("\(path): head \"\(architecture.head)\"; expected softmax, sigmoid or linear")
        }
        var network = try NeuralNetwork(
            inputCount: architecture.inputCount, hiddenLayers: architecture.hiddenLayers, head: head,
            initialization: .zeros)
        for (i, l) in network.layouts.enumerated() {
            guard let kernel = tensors["dense\(i).kernel"], let bias = tensors["dense\(i).bias"] else {
                throw LearnError.file("\(path): missing dense\(i).kernel or dense\(i).bias")
            }
            guard kernel.shape == [l.inputs, l.outputs], bias.shape == [l.outputs] else {
                throw LearnError.file(
                    "\(path): dense\(i) shapes \(kernel.shape) and \(bias.shape); expected [\(l.inputs), \(l.outputs)] "
                        + "and [\(l.outputs)]")
            }
            try network.setParameters(
                layer: i, weights: Matrix(uncheckedRows: l.inputs, columns: l.outputs, values: kernel.values),
                bias: bias.values)
        }
        return network
    }
}
