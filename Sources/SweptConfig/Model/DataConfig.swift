/// Where trainers get their data and how the validation split is taken.
///
/// The test set of the source is never read while tuning; only the training set is split into the part a trial
/// trains on and the validation part its metric is measured on.
public struct DataConfig: Sendable, Equatable {
    /// A dataset source.
    public enum Source: Sendable, Equatable {
        /// A directory with IDX files (`train-images-idx3-ubyte[.gz]`, `train-labels-idx1-ubyte[.gz]`, …).
        case idx(directory: String)
    }

    /// How features are scaled before training.
    public enum Scaling: String, Sendable, Equatable, CaseIterable {
        /// Divide pixel bytes by 255 into [0, 1].
        case pixels
        /// Subtract each feature's training mean and divide by its standard deviation.
        case standardize
        /// Use the raw values.
        case none
    }

    /// The dataset source.
    public var source: Source
    /// The fraction of the training set held out for validation, in (0, 1).
    public var validationFraction: Double = 0.1
    /// Whether the split keeps each label's share (stratified by label).
    public var stratify: Bool = true
    /// The split's seed: the same seed gives the same split on every worker.
    public var splitSeed: UInt64 = 0
    /// Feature scaling.
    public var scaling: Scaling = .pixels
    /// Use only this many training rows (a seeded stratified subset), e.g. for quick studies; `nil` = all.
    public var rows: Int?

    /// Creates a data config with the defaults (10% stratified validation, seed 0, pixel scaling).
    public init(source: Source) { self.source = source }
}
