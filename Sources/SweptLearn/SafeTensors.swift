import Foundation

/// A named Float32 tensor for the safetensors format.
public struct SafeTensor: Sendable, Equatable {
    /// Dimension sizes, outermost first.
    public let shape: [Int]
    /// Elements in row-major order.
    public let values: [Float]

    /// Creates a tensor; throws when the element count does not match the shape.
    public init(shape: [Int], values: [Float]) throws {
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == values.count else {
            throw LearnError.shape("tensor shape \(shape) needs \(shape.reduce(1, *)) values, got \(values.count)")
        }
        self.shape = shape
        self.values = values
    }
}

/// Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header mapping names to
/// `{dtype, shape, data_offsets}` (plus an optional `__metadata__` of strings), then the raw little-endian data.
/// numpy (`safetensors.numpy`) and PyTorch read these files. Only `F32` is written and read.
public enum SafeTensors {
    /// Encodes tensors in the given order, padding the header with spaces to a multiple of 8 bytes.
    public static func encode(_ tensors: [(name: String, tensor: SafeTensor)], metadata: [String: String] = [:])
        throws -> [UInt8]
    {
        var header: [String: Any] = [:]
        var offset = 0
        var seen = Set<String>()
        for (name, tensor) in tensors {
            guard !name.isEmpty, name != "__metadata__", seen.insert(name).inserted else {
                throw LearnError.parameter("tensor name \"\(name)\": expected a unique, non-empty name")
            }
            let size = tensor.values.count * 4
            header[name] = ["dtype": "F32", "shape": tensor.shape, "data_offsets": [offset, offset + size]]
            offset += size
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }
        var out: [UInt8] = []
        out.reserveCapacity(8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: json)
        for (_, tensor) in tensors {
            for value in tensor.values {
                withUnsafeBytes(of: value.bitPattern.littleEndian) { out.append(contentsOf: $0) }
            }
        }
        return out
    }

    /// Decodes a safetensors buffer. Throws naming `source` when the header is malformed, a dtype is not F32, or
    /// offsets fall outside the data.
    public static func decode(_ bytes: [UInt8], source: String = "safetensors data") throws
        -> (tensors: [String: SafeTensor], metadata: [String: String])
    {
        guard bytes.count >= 8 else {
            throw LearnError.file("\(source): \(bytes.count) bytes; expected at least an 8-byte header length")
        }
        var headerLength: UInt64 = 0
        for i in 0..<8 { headerLength |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw LearnError.file("\(source): header length \(headerLength) exceeds the file (\(bytes.count) bytes)")
        }
        let dataStart = 8 + Int(headerLength)
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes[8..<dataStart]))
        } catch {
            throw LearnError.file("\(source): header is not valid JSON: \(error)")
        }
        guard let header = object as? [String: Any] else {
            throw LearnError.file("\(source): header is not a JSON object")
        }
        var tensors: [String: SafeTensor] = [:]
        var metadata: [String: String] = [:]
        let dataLength = bytes.count - dataStart
        for (name, entry) in header {
            if name == "__metadata__" {
                metadata = entry as? [String: String] ?? [:]
                continue
            }
            guard let info = entry as? [String: Any], let dtype = info["dtype"] as? String,
                let shape = info["shape"] as? [Int], let offsets = info["data_offsets"] as? [Int], offsets.count == 2
            else {
                throw LearnError.file("\(source): tensor \"\(name)\" lacks dtype, shape or data_offsets")
            }
            guard dtype == "F32" else {
                throw LearnError.file("\(source): tensor \"\(name)\" has dtype \(dtype); expected F32")
            }
            let (begin, end) = (offsets[0], offsets[1])
            let count = shape.reduce(1, *)
            guard begin >= 0, end <= dataLength, end - begin == count * 4 else {
                throw LearnError.file(
                    "\(source): tensor \"\(name)\" offsets [\(begin), \(end)) do not hold shape \(shape) "
                        + "within \(dataLength) data bytes")
            }
            var values = [Float](repeating: 0, count: count)
            for i in 0..<count {
                let o = dataStart + begin + 4 * i
                let bits = UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16
                    | UInt32(bytes[o + 3]) << 24
                values[i] = Float(bitPattern: bits)
            }
            tensors[name] = try SafeTensor(shape: shape, values: values)
        }
        return (tensors, metadata)
    }

    /// Writes tensors to `path`.
    public static func write(
        _ tensors: [(name: String, tensor: SafeTensor)], metadata: [String: String] = [:], to path: String
    ) throws {
        let bytes = try encode(tensors, metadata: metadata)
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw LearnError.file("\(path): cannot write: \(error)")
        }
    }

    /// Reads tensors from `path`.
    public static func read(path: String) throws -> (tensors: [String: SafeTensor], metadata: [String: String]) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw LearnError.file("\(path): cannot read: \(error)")
        }
        return try decode([UInt8](data), source: path)
    }
}
