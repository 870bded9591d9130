import CSweptKernels

/// What a dataset's rows are labelled with.
public enum Targets: Sendable, Equatable {
    /// Class labels `0..<classCount`, one per row.
    case classes([Int32], classCount: Int)
    /// Real-valued targets, one row per example (`rows × outputs`).
    case values(Matrix)
}

/// An in-memory dataset: a feature matrix (one row per example) and its targets.
public struct Dataset: Sendable, Equatable {
    /// Features, `rowCount × featureCount`.
    public let features: Matrix
    /// Labels or regression targets, one per row.
    public let targets: Targets
    /// The features as the bytes they were decoded from (`features = Float(byte) · scale`), when the dataset came
    /// from 8-bit pixels: batch gathers read these, a quarter of the memory, and convert on the way.
    let bytes: ByteFeatures?

    /// Number of examples.
    public var rowCount: Int { features.rows }
    /// Number of features per example.
    public var featureCount: Int { features.columns }

    /// Creates a classification dataset. Throws when it is empty, when `labels.count` differs from the row count, or
    /// when a label is outside `0..<classCount` (the message names the row and the label).
    public init(features: Matrix, labels: [Int32], classCount: Int) throws {
        try Dataset.checkNonEmpty(features)
        guard classCount >= 2 else {
            throw LearnError.parameter("classCount \(classCount): expected at least 2 classes")
        }
        guard labels.count == features.rows else {
            throw LearnError.shape(
                "labels: expected one label per feature row (\(features.rows)), got \(labels.count)")
        }
        for (row, label) in labels.enumerated() where label < 0 || Int(label) >= classCount {
            throw LearnError.data("label \(label) at row \(row) is out of range: expected 0..<\(classCount)")
        }
        self.features = features
        self.targets = .classes(labels, classCount: classCount)
        self.bytes = nil
    }

    /// A classification dataset whose features are `Float(bytes[i]) · scale` (checked by the caller).
    init(features: Matrix, bytes: ByteFeatures, labels: [Int32], classCount: Int) throws {
        try self.init(features: features, labels: labels, classCount: classCount)
        self = Dataset(features: self.features, targets: self.targets, bytes: bytes)
    }

    private init(features: Matrix, targets: Targets, bytes: ByteFeatures?) {
        self.features = features
        self.targets = targets
        self.bytes = bytes
    }

    /// Datasets are equal when their features and targets are (however the features are stored).
    public static func == (lhs: Dataset, rhs: Dataset) -> Bool {
        lhs.features == rhs.features && lhs.targets == rhs.targets
    }

    /// Creates a regression dataset with one target row per feature row.
    public init(features: Matrix, targets: Matrix) throws {
        try Dataset.checkNonEmpty(features)
        guard targets.rows == features.rows else {
            throw LearnError.shape(
                "targets \(targets.shapeDescription): expected one row per feature row (\(features.rows))")
        }
        guard targets.columns >= 1 else {
            throw LearnError.shape("targets \(targets.shapeDescription): expected at least one column")
        }
        self.features = features
        self.targets = .values(targets)
        self.bytes = nil
    }

    /// Creates a regression dataset with a single target per row.
    public init(features: Matrix, targets: [Float]) throws {
        try self.init(features: features, targets: Matrix(rows: targets.count, columns: 1, values: targets))
    }

    private static func checkNonEmpty(_ features: Matrix) throws {
        guard features.rows > 0 else {
            throw LearnError.data("dataset is empty: expected at least one row, got 0")
        }
        guard features.columns > 0 else {
            throw LearnError.data("dataset has 0 features per row: expected at least one")
        }
    }

    /// Class labels, or `nil` for a regression dataset.
    public var labels: [Int32]? {
        if case .classes(let labels, _) = targets { return labels }
        return nil
    }

    /// Number of classes, or `nil` for a regression dataset.
    public var classCount: Int? {
        if case .classes(_, let count) = targets { return count }
        return nil
    }

    /// The rows `range` as a new dataset (copies).
    public func slice(_ range: Range<Int>) throws -> Dataset {
        let features = try self.features.view(rows: range).materialize()
        switch targets {
        case .classes(let labels, let count):
            return try Dataset(features: features, labels: Array(labels[range]), classCount: count)
        case .values(let values):
            return try Dataset(features: features, targets: values.view(rows: range).materialize())
        }
    }
}

/// 8-bit features and the scale that turns them into the dataset's `Float` features.
struct ByteFeatures: Sendable {
    let values: [UInt8]
    let scale: Float

    /// Writes `Float(byte) · scale` for the `count` bytes at `source` into `out`: the same expression that made the
    /// dataset's features, so the result is bit-identical to copying them (C kernel, vectorized for the CPU).
    @inline(__always)
    static func convert(
        _ source: UnsafePointer<UInt8>, scale: Float, into out: UnsafeMutablePointer<Float>, count: Int
    ) {
        swept_bytes_to_floats(source, scale, out, count)
    }
}
