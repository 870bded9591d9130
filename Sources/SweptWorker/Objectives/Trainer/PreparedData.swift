import Foundation
import SweptConfig
import SweptLearn

/// A study's data as trainers use it: the training part and the validation part of the source's training set.
/// The source's test set is never read here.
public struct PreparedData: Sendable {
    /// The rows trials train on.
    public let training: Dataset
    /// The rows trials are measured on (the study's metric).
    public let validation: Dataset
    /// Classes in the labels.
    public let classCount: Int
    /// The scaling fitted on the training part (the test set is scaled the same way).
    let scaler: FeatureScaler
}

/// An error preparing a study's data; the message names the source and what was expected.
public struct DataPreparationError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public let description: String
}

/// Loads IDX data, takes a seeded stratified validation split from the training set and scales the features.
public enum DataPreparation {
    /// Prepares `config`'s data.
    /// - Throws: `DataPreparationError` for a missing directory or files, truncated files, or a split that leaves a
    ///   part empty.
    public static func prepare(_ config: DataConfig) throws -> PreparedData {
        guard case .idx(let directory) = config.source else {
            throw DataPreparationError(description: "data.source: unsupported source")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DataPreparationError(description: "data.source: directory '\(directory)' does not exist; expected "
                + "a directory with IDX files such as train-images-idx3-ubyte.gz (Fashion-MNIST: apt-get install "
                + "dataset-fashion-mnist)")
        }
        let images: IDXArray, labels: IDXArray
        do {
            images = try IDXFile.read(path: try locate(directory, "train-images-idx3-ubyte"))
            labels = try IDXFile.read(path: try locate(directory, "train-labels-idx1-ubyte"))
        } catch let error as DataPreparationError {
            throw error
        } catch {
            throw DataPreparationError(description: "data.source: \(error)")
        }
        guard images.itemCount == labels.itemCount, images.itemCount > 0 else {
            throw DataPreparationError(description: "data.source: \(images.itemCount) training images but "
                + "\(labels.itemCount) labels in '\(directory)'; expected the same, non-zero count")
        }
        let labelValues = labels.bytes.prefix(labels.itemCount).map { Int($0) }
        let classCount = max((labelValues.max() ?? 0) + 1, 2)
        var rows = Array(0..<images.itemCount)
        if let limit = config.rows, limit < rows.count {
            rows = StratifiedSplit.split(rows, labels: labelValues, fraction: Double(limit) / Double(rows.count),
                                         seed: config.splitSeed &+ 0x9E37, stratify: config.stratify).held
        }
        let parts = StratifiedSplit.split(
            rows, labels: labelValues, fraction: config.validationFraction, seed: config.splitSeed,
            stratify: config.stratify)
        guard !parts.held.isEmpty, !parts.kept.isEmpty else {
            throw DataPreparationError(description: "data.split.validation: \(config.validationFraction) of "
                + "\(rows.count) rows leaves a part empty; expected both parts to hold rows")
        }
        let scaler = FeatureScaler(config.scaling, images: images, rows: parts.kept)
        return PreparedData(
            training: try dataset(images, labelValues, parts.kept, classCount, scaler),
            validation: try dataset(images, labelValues, parts.held, classCount, scaler),
            classCount: classCount, scaler: scaler
        )
    }

    /// The source's **test** set (`t10k-*`), scaled like `prepared`'s training part. Tuning never calls this:
    /// it is for the single evaluation of a chosen trial afterwards.
    public static func testSet(_ config: DataConfig, like prepared: PreparedData) throws -> Dataset {
        guard case .idx(let directory) = config.source else {
            throw DataPreparationError(description: "data.source: unsupported source")
        }
        let images: IDXArray, labels: IDXArray
        do {
            images = try IDXFile.read(path: try locate(directory, "t10k-images-idx3-ubyte"))
            labels = try IDXFile.read(path: try locate(directory, "t10k-labels-idx1-ubyte"))
        } catch let error as DataPreparationError {
            throw error
        } catch {
            throw DataPreparationError(description: "data.source (test set): \(error)")
        }
        guard images.itemCount == labels.itemCount, images.itemCount > 0,
            images.itemSize == prepared.training.featureCount
        else {
            throw DataPreparationError(description: "data.source: the test set in '\(directory)' has "
                + "\(images.itemCount) images of \(images.itemSize) values and \(labels.itemCount) labels; expected "
                + "matching counts and \(prepared.training.featureCount) values per image")
        }
        let labelValues = labels.bytes.prefix(labels.itemCount).map { Int($0) }
        return try dataset(images, labelValues, Array(0..<images.itemCount), prepared.classCount, prepared.scaler)
    }

    private static func locate(_ directory: String, _ name: String) throws -> String {
        for candidate in ["\(directory)/\(name).gz", "\(directory)/\(name)"]
        where FileManager.default.isReadableFile(atPath: candidate) {
            return candidate
        }
        throw DataPreparationError(description: "data.source: \(directory)/\(name)[.gz] not found; expected the "
            + "data set's IDX files there")
    }

    private static func dataset(
        _ images: IDXArray, _ labels: [Int], _ rows: [Int], _ classCount: Int, _ scaler: FeatureScaler
    ) throws -> Dataset {
        let size = images.itemSize
        var values = [Float](repeating: 0, count: rows.count * size)
        images.bytes.withUnsafeBufferPointer { source in
            values.withUnsafeMutableBufferPointer { target in
                for (index, row) in rows.enumerated() {
                    scaler.scale(source, from: row * size, into: target, at: index * size, count: size)
                }
            }
        }
        let features = try Matrix(rows: rows.count, columns: size, values: values)
        return try Dataset(features: features, labels: rows.map { Int32(labels[$0]) }, classCount: classCount)
    }
}

/// Scales raw feature bytes: pixels into [0, 1], standardization with the training part's statistics, or none.
struct FeatureScaler: Sendable {
    private let offsets: [Float]
    private let factors: [Float]

    init(_ scaling: DataConfig.Scaling, images: IDXArray, rows: [Int]) {
        let size = images.itemSize
        switch scaling {
        case .none:
            offsets = [Float](repeating: 0, count: size)
            factors = [Float](repeating: 1, count: size)
        case .pixels:
            offsets = [Float](repeating: 0, count: size)
            factors = [Float](repeating: 1 / 255, count: size)
        case .standardize:
            var sum = [Double](repeating: 0, count: size), squares = [Double](repeating: 0, count: size)
            for row in rows {
                for j in 0..<size {
                    let value = Double(images.bytes[row * size + j])
                    sum[j] += value
                    squares[j] += value * value
                }
            }
            let n = Double(max(rows.count, 1))
            offsets = sum.map { Float($0 / n) }
            factors = (0..<size).map { j in
                let variance = max(squares[j] / n - (sum[j] / n) * (sum[j] / n), 0)
                return variance > 1e-12 ? Float(1 / variance.squareRoot()) : 1
            }
        }
    }

    func scale(_ source: UnsafeBufferPointer<UInt8>, from start: Int, into target: UnsafeMutableBufferPointer<Float>,
               at offset: Int, count: Int) {
        for j in 0..<count {
            target[offset + j] = (Float(source[start + j]) - offsets[j]) * factors[j]
        }
    }
}

/// A seeded split of row indices, stratified by label: each label keeps its share in both parts.
enum StratifiedSplit {
    /// Splits `rows` into `held` (about `fraction` of each label's rows) and `kept`, both in ascending order.
    static func split(_ rows: [Int], labels: [Int], fraction: Double, seed: UInt64, stratify: Bool)
        -> (kept: [Int], held: [Int])
    {
        var generator = SeededGenerator(seed: seed)
        var groups: [Int: [Int]] = [:]
        for row in rows { groups[stratify ? labels[row] : 0, default: []].append(row) }
        var kept: [Int] = [], held: [Int] = []
        for key in groups.keys.sorted() {
            var group = groups[key] ?? []
            for index in stride(from: group.count - 1, to: 0, by: -1) {
                group.swapAt(index, generator.nextIndex(below: index + 1))
            }
            let count = Int((Double(group.count) * fraction).rounded())
            held += group.prefix(count)
            kept += group.dropFirst(count)
        }
        return (kept.sorted(), held.sorted())
    }
}

/// Prepared data by config, so several trials in one worker load and split the data once.
public final class PreparedDataCache: @unchecked Sendable {
    /// The process-wide cache workers use.
    public static let shared = PreparedDataCache()

    private let lock = NSLock()
    private var entries: [String: PreparedData] = [:]
    private(set) var loads = 0

    /// Creates an empty cache.
    public init() {}

    /// The prepared data for `config`, loading it on first use (concurrent callers wait for one load).
    public func data(for config: DataConfig) throws -> PreparedData {
        let key = "\(config)"
        lock.lock()
        defer { lock.unlock() }
        if let cached = entries[key] { return cached }
        let prepared = try DataPreparation.prepare(config)
        loads += 1
        entries[key] = prepared
        return prepared
    }

    /// How many times data was loaded (not served from the cache).
    public var loadCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return loads
    }
}
