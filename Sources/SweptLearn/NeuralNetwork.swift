/// A hidden dense layer: its width, activation and dropout rate.
public struct DenseLayer: Sendable, Equatable, Codable {
    /// Number of units (outputs); at least 1.
    public var units: Int
    /// Activation applied after the affine map.
    public var activation: Activation
    /// Probability of dropping each unit while training (inverted dropout); `0 ≤ dropout < 1`.
    public var dropout: Float

    /// Creates a hidden layer description.
    public init(units: Int, activation: Activation = .relu, dropout: Float = 0) {
        self.units = units
        self.activation = activation
        self.dropout = dropout
    }
}

/// The output layer together with its loss.
public enum OutputHead: Sendable, Equatable {
    /// `classes` logits, softmax, categorical cross-entropy (computed as a stable log-softmax).
    case softmax(classes: Int)
    /// One logit, sigmoid, binary cross-entropy (computed from the logit, stable for large values).
    case sigmoid
    /// `outputs` linear outputs and mean squared error.
    case linear(outputs: Int)

    /// Width of the output layer.
    public var outputCount: Int {
        switch self {
        case .softmax(let classes): classes
        case .sigmoid: 1
        case .linear(let outputs): outputs
        }
    }
}

/// Where one layer's weights (`inputs × outputs`, row-major) and bias live in the flat parameter vector.
struct LayerLayout: Sendable, Equatable {
    let inputs: Int
    let outputs: Int
    let activation: Activation
    let dropout: Float
    let weightOffset: Int
    var biasOffset: Int { weightOffset + inputs * outputs }
    var end: Int { biasOffset + outputs }
}

/// A feed-forward network of dense layers: linear, logistic and softmax regression are networks without hidden
/// layers; an MLP has one or more. All parameters live in one flat `Float` vector, layer by layer (weights, then
/// bias), so optimizers update them in one fused loop and safetensors export them per layer.
public struct NeuralNetwork: Sendable, Equatable {
    /// Number of input features.
    public let inputCount: Int
    /// The hidden layers, input side first.
    public let hiddenLayers: [DenseLayer]
    /// The output layer and loss.
    public let head: OutputHead
    /// All weights and biases, layer by layer.
    public internal(set) var parameters: [Float]
    let layouts: [LayerLayout]

    /// Creates a network and initializes its weights from `seed` (biases start at zero).
    ///
    /// - Parameters:
    ///   - initialization: the weight scheme; by default each layer's activation picks He or Xavier.
    /// - Throws: when `inputCount`, a layer's width or the output width is below 1, or a dropout is outside [0, 1).
    public init(
        inputCount: Int, hiddenLayers: [DenseLayer] = [], head: OutputHead, seed: UInt64 = 0,
        initialization: Initialization? = nil
    ) throws {
        guard inputCount >= 1 else {
            throw LearnError.parameter("inputCount \(inputCount): expected at least 1 input feature")
        }
        for (index, layer) in hiddenLayers.enumerated() {
            guard layer.units >= 1 else {
                throw LearnError.parameter("hidden layer \(index) has \(layer.units) units: expected at least 1")
            }
            guard layer.dropout >= 0, layer.dropout < 1 else {
                throw LearnError.parameter("hidden layer \(index) dropout \(layer.dropout): expected 0 ≤ p < 1")
            }
        }
        switch head {
        case .softmax(let classes) where classes < 2:
            throw LearnError.parameter("softmax head with \(classes) classes: expected at least 2")
        case .linear(let outputs) where outputs < 1:
            throw LearnError.parameter("linear head with \(outputs) outputs: expected at least 1")
        default: break
        }
        var layouts: [LayerLayout] = []
        var offset = 0
        var fanIn = inputCount
        for layer in hiddenLayers {
            let layout = LayerLayout(
                inputs: fanIn, outputs: layer.units, activation: layer.activation, dropout: layer.dropout,
                weightOffset: offset)
            layouts.append(layout)
            offset = layout.end
            fanIn = layer.units
        }
        let last = LayerLayout(
            inputs: fanIn, outputs: head.outputCount, activation: .identity, dropout: 0, weightOffset: offset)
        layouts.append(last)
        self.inputCount = inputCount
        self.hiddenLayers = hiddenLayers
        self.head = head
        self.layouts = layouts
        var parameters = [Float](repeating: 0, count: last.end)
        var generator = SeededGenerator(seed: seed)
        parameters.withUnsafeMutableBufferPointer { all in
            for (index, layout) in layouts.enumerated() {
                let scheme: Initialization
                if let initialization {
                    scheme = initialization
                } else if index < hiddenLayers.count {
                    scheme = hiddenLayers[index].activation.defaultInitialization
                } else {
                    scheme = .xavier  // output layers: Glorot, as scikit-learn does
                }
                let weights = UnsafeMutableBufferPointer(
                    rebasing: all[layout.weightOffset..<layout.biasOffset])
                scheme.fill(weights, fanIn: layout.inputs, fanOut: layout.outputs, generator: &generator)
            }
        }
        self.parameters = parameters
    }

    /// A multilayer perceptron classifier: `hidden` widths with one activation, softmax over `classes`.
    public static func mlp(
        inputCount: Int, hidden: [Int], activation: Activation = .relu, dropout: Float = 0, classes: Int,
        seed: UInt64 = 0
    ) throws -> NeuralNetwork {
        try NeuralNetwork(
            inputCount: inputCount,
            hiddenLayers: hidden.map { DenseLayer(units: $0, activation: activation, dropout: dropout) },
            head: .softmax(classes: classes), seed: seed)
    }

    /// Multinomial (softmax) regression.
    public static func softmaxRegression(inputCount: Int, classes: Int) throws -> NeuralNetwork {
        try NeuralNetwork(inputCount: inputCount, head: .softmax(classes: classes), initialization: .zeros)
    }

    /// Binary logistic regression.
    public static func logisticRegression(inputCount: Int) throws -> NeuralNetwork {
        try NeuralNetwork(inputCount: inputCount, head: .sigmoid, initialization: .zeros)
    }

    /// Linear regression (with `weightDecay` in training it is ridge regression).
    public static func linearRegression(inputCount: Int, outputs: Int = 1) throws -> NeuralNetwork {
        try NeuralNetwork(inputCount: inputCount, head: .linear(outputs: outputs), initialization: .zeros)
    }

    /// Number of dense layers including the output layer.
    public var layerCount: Int { layouts.count }

    /// The weights of layer `index` as an `inputs × outputs` matrix.
    public func weights(layer index: Int) -> Matrix {
        let l = layouts[index]
        return Matrix(
            uncheckedRows: l.inputs, columns: l.outputs, values: Array(parameters[l.weightOffset..<l.biasOffset]))
    }

    /// The bias of layer `index`.
    public func bias(layer index: Int) -> [Float] {
        let l = layouts[index]
        return Array(parameters[l.biasOffset..<l.end])
    }

    /// Replaces layer `index`'s weights and bias; throws naming both shapes when they do not fit.
    public mutating func setParameters(layer index: Int, weights: Matrix, bias: [Float]) throws {
        guard layouts.indices.contains(index) else {
            throw LearnError.parameter("layer \(index): expected 0..<\(layouts.count)")
        }
        let l = layouts[index]
        guard weights.rows == l.inputs, weights.columns == l.outputs else {
            throw LearnError.shape(
                "layer \(index) weights \(weights.shapeDescription): expected \(l.inputs) × \(l.outputs)")
        }
        guard bias.count == l.outputs else {
            throw LearnError.shape("layer \(index) bias has \(bias.count) elements: expected \(l.outputs)")
        }
        parameters.replaceSubrange(l.weightOffset..<l.biasOffset, with: weights.values)
        parameters.replaceSubrange(l.biasOffset..<l.end, with: bias)
    }

    /// Checks that `dataset` fits this network: feature count, and target kind and width.
    func check(_ dataset: Dataset, name: String) throws {
        guard dataset.featureCount == inputCount else {
            throw LearnError.shape(
                "\(name) has \(dataset.featureCount) features per row: the model expects \(inputCount)")
        }
        switch (head, dataset.targets) {
        case (.softmax(let classes), .classes(_, let count)):
            guard count <= classes else {
                throw LearnError.data("\(name) has \(count) classes: the model's softmax head has \(classes)")
            }
        case (.sigmoid, .classes(_, let count)):
            guard count == 2 else {
                throw LearnError.data("\(name) has \(count) classes: a sigmoid head expects 2 (labels 0 and 1)")
            }
        case (.linear(let outputs), .values(let targets)):
            guard targets.columns == outputs else {
                throw LearnError.shape(
                    "\(name) has \(targets.columns) target columns: the model's linear head has \(outputs)")
            }
        case (.linear, .classes):
            throw LearnError.data("\(name) has class labels: a linear head expects real-valued targets")
        case (_, .values):
            throw LearnError.data("\(name) has real-valued targets: a classifier head expects class labels")
        }
    }
}
