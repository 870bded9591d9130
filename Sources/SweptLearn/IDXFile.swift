#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib

/// An array read from an IDX file (the format of MNIST and Fashion-MNIST), plain or gzip-compressed.
public struct IDXArray: Sendable, Equatable {
    /// The dimension sizes, outermost first (e.g. `[60000, 28, 28]`).
    public let dimensions: [Int]
    /// The elements as bytes (IDX type 0x08, unsigned byte), row-major.
    public let bytes: [UInt8]

    /// Number of items (the outermost dimension).
    public var itemCount: Int { dimensions.first ?? 0 }
    /// Number of elements per item (the product of the inner dimensions).
    public var itemSize: Int { dimensions.dropFirst().reduce(1, *) }
}

/// Reads IDX files through zlib, which reads gzip-compressed and plain files alike.
public enum IDXFile {
    /// Reads the IDX file at `path`. Throws naming the file when it is missing, not IDX, of an unsupported element
    /// type, or shorter than its header says (truncated).
    public static func read(path: String) throws -> IDXArray {
        let data = try readAll(path: path)
        guard data.count >= 4 else {
            throw LearnError.file("\(path): \(data.count) bytes; expected an IDX header of at least 4 bytes")
        }
        guard data[0] == 0, data[1] == 0 else {
            throw LearnError.file(
                "\(path): magic starts with \(data[0]), \(data[1]); expected 0, 0 (an IDX file)")
        }
        guard data[2] == 0x08 else {
            throw LearnError.file(
                "\(path): element type 0x\(String(data[2], radix: 16)); expected 0x08 (unsigned byte)")
        }
        let rank = Int(data[3])
        guard rank >= 1, data.count >= 4 + 4 * rank else {
            throw LearnError.file("\(path): header declares \(rank) dimensions but the file ends inside the header")
        }
        var dimensions: [Int] = []
        for d in 0..<rank {
            let o = 4 + 4 * d
            let size = Int(data[o]) << 24 | Int(data[o + 1]) << 16 | Int(data[o + 2]) << 8 | Int(data[o + 3])
            dimensions.append(size)
        }
        let expected = dimensions.reduce(1, *)
        let payload = data.count - 4 - 4 * rank
        guard payload == expected else {
            let what = payload < expected ? "truncated" : "longer than its header"
            throw LearnError.file(
                "\(path): \(what): dimensions \(dimensions) need \(expected) bytes of data, found \(payload)")
        }
        return IDXArray(dimensions: dimensions, bytes: Array(data[(4 + 4 * rank)...]))
    }

    /// Reads and decompresses a whole file; reports zlib errors and truncated gzip streams.
    static func readAll(path: String) throws -> [UInt8] {
        guard let file = gzopen(path, "rb") else {
            throw LearnError.file("\(path): cannot open: expected a readable IDX file (plain or .gz)")
        }
        defer { gzclose(file) }
        gzbuffer(file, 1 << 20)
        var out: [UInt8] = []
        let chunk = 1 << 20
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let n = buffer.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32(chunk)) }
            if n < 0 {
                var code: Int32 = 0
                let message = gzerror(file, &code).map { String(cString: $0) } ?? "unknown"
                throw LearnError.file("\(path): read error (\(message)); expected a valid gzip or IDX file")
            }
            if n == 0 { break }
            out.append(contentsOf: buffer[0..<Int(n)])
        }
        var code: Int32 = 0
        _ = gzerror(file, &code)
        if code == Z_BUF_ERROR {
            throw LearnError.file("\(path): truncated: the gzip stream ends early")
        }
        return out
    }
}

/// Loads Fashion-MNIST (or MNIST) from a directory of the four IDX files, as installed by Debian's
/// `dataset-fashion-mnist` into `/usr/share/datasets/fashion-mnist/`.
public enum FashionMNIST {
    /// The directory Debian installs the data set into.
    public static let defaultDirectory = "/usr/share/datasets/fashion-mnist"

    /// Which half of the data set.
    public enum Split: String, Sendable, CaseIterable {
        /// 60,000 training images.
        case train
        /// 10,000 test images.
        case test

        var prefix: String { self == .train ? "train" : "t10k" }
    }

    /// Class names in label order.
    public static let classNames = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]

    /// Loads a split as a dataset with pixels scaled to `[0, 1]` and 10 classes. `limit` keeps the first rows only.
    /// Files may be `.gz` or plain. Throws when a file is missing or truncated, or when images and labels disagree.
    public static func load(directory: String = defaultDirectory, split: Split, limit: Int? = nil) throws -> Dataset {
        let imagesPath = try locate(directory: directory, name: "\(split.prefix)-images-idx3-ubyte")
        let labelsPath = try locate(directory: directory, name: "\(split.prefix)-labels-idx1-ubyte")
        let images = try IDXFile.read(path: imagesPath)
        let labels = try IDXFile.read(path: labelsPath)
        guard images.dimensions.count == 3 else {
            throw LearnError.file("\(imagesPath): dimensions \(images.dimensions); expected [count, rows, columns]")
        }
        guard labels.dimensions.count == 1 else {
            throw LearnError.file("\(labelsPath): dimensions \(labels.dimensions); expected [count]")
        }
        guard images.itemCount == labels.itemCount else {
            throw LearnError.file(
                "\(imagesPath) has \(images.itemCount) images but \(labelsPath) has \(labels.itemCount) labels; "
                    + "expected the same count")
        }
        if let limit, limit < 1 {
            throw LearnError.parameter("limit \(limit): expected at least 1 row")
        }
        let count = min(images.itemCount, limit ?? images.itemCount)
        let size = images.itemSize
        var pixels = [Float](repeating: 0, count: count * size)
        let bytes = Array(images.bytes[0..<(count * size)])
        let scale: Float = 1.0 / 255.0
        bytes.withUnsafeBufferPointer { src in
            pixels.withUnsafeMutableBufferPointer { dst in
                guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                ByteFeatures.convert(s, scale: scale, into: d, count: count * size)
            }
        }
        let features = try Matrix(rows: count, columns: size, values: pixels)
        let labelValues = labels.bytes[0..<count].map { Int32($0) }
        return try Dataset(
            features: features, bytes: ByteFeatures(values: bytes, scale: scale), labels: labelValues, classCount: 10)
    }

    static func locate(directory: String, name: String) throws -> String {
        for candidate in ["\(directory)/\(name).gz", "\(directory)/\(name)"] where access(candidate, R_OK) == 0 {
            return candidate
        }
        throw LearnError.file(
            "\(directory)/\(name)[.gz]: not found; expected Fashion-MNIST's IDX files there "
                + "(Debian package dataset-fashion-mnist)")
    }
}
