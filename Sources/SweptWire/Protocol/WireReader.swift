/// Reads fields written by `WireWriter`. Every read is bounds-checked and throws `WireDecodeError` naming the
/// field; counts are checked against the bytes left before anything is allocated, so no input can trap or make
/// the reader allocate more than the message's size. It reads a borrowed buffer: use it only inside the
/// `withUnsafeBytes` call that lends the buffer.
public struct WireReader {
    let buffer: UnsafeRawBufferPointer
    /// The offset of the next unread byte.
    public private(set) var position: Int

    init(_ buffer: UnsafeRawBufferPointer, position: Int = 0) {
        self.buffer = buffer
        self.position = position
    }

    /// Bytes not read yet.
    public var remaining: Int { buffer.count &- position }

    @inline(__always)
    mutating func require(_ count: Int, _ field: StaticString) throws(WireDecodeError) {
        if count < 0 || count > remaining { throw .truncated(field: field.description) }
    }

    @inline(__always) mutating func u8(_ field: StaticString) throws(WireDecodeError) -> UInt8 {
        try require(1, field)
        defer { position &+= 1 }
        return buffer[position]
    }

    @inline(__always) mutating func u16(_ field: StaticString) throws(WireDecodeError) -> UInt16 {
        try require(2, field)
        defer { position &+= 2 }
        return buffer.loadUnaligned(fromByteOffset: position, as: UInt16.self).littleEndian
    }

    @inline(__always) mutating func u32(_ field: StaticString) throws(WireDecodeError) -> UInt32 {
        try require(4, field)
        defer { position &+= 4 }
        return buffer.loadUnaligned(fromByteOffset: position, as: UInt32.self).littleEndian
    }

    @inline(__always) mutating func u64(_ field: StaticString) throws(WireDecodeError) -> UInt64 {
        try require(8, field)
        defer { position &+= 8 }
        return buffer.loadUnaligned(fromByteOffset: position, as: UInt64.self).littleEndian
    }

    @inline(__always) mutating func i64(_ field: StaticString) throws(WireDecodeError) -> Int64 {
        Int64(bitPattern: try u64(field))
    }

    @inline(__always) mutating func f64(_ field: StaticString) throws(WireDecodeError) -> Double {
        Double(bitPattern: try u64(field))
    }

    mutating func bool(_ field: StaticString) throws(WireDecodeError) -> Bool {
        switch try u8(field) {
        case 0: return false
        case 1: return true
        default: throw .invalidValue(field: field.description, expected: "a boolean byte 0 or 1")
        }
    }

    /// Reads a length that must fit in the bytes left, each element taking at least `minimumElementSize`.
    mutating func count(_ field: StaticString, minimumElementSize: Int = 1) throws(WireDecodeError) -> Int {
        let raw = try u32(field)
        guard let count = Int(exactly: raw) else { throw .truncated(field: field.description) }
        let (needed, overflow) = count.multipliedReportingOverflow(by: max(minimumElementSize, 0))
        if overflow || needed > remaining { throw .truncated(field: field.description) }
        return count
    }

    mutating func string(_ field: StaticString, maxLength: Int = Int.max) throws(WireDecodeError) -> String {
        let length = try count(field)
        if length > maxLength {
            throw .invalidValue(field: field.description, expected: "at most \(maxLength) bytes of text")
        }
        let slice = UnsafeRawBufferPointer(rebasing: buffer[position..<(position &+ length)])
        position &+= length
        guard let text = String(validating: slice, as: UTF8.self) else {
            throw .invalidValue(field: field.description, expected: "UTF-8 text")
        }
        return text
    }

    mutating func byteString(_ field: StaticString) throws(WireDecodeError) -> [UInt8] {
        let length = try count(field)
        defer { position &+= length }
        return Array(UnsafeRawBufferPointer(rebasing: buffer[position..<(position &+ length)]))
    }

    mutating func optional<T>(
        _ field: StaticString, _ read: (inout WireReader) throws(WireDecodeError) -> T
    ) throws(WireDecodeError) -> T? {
        try bool(field) ? try read(&self) : nil
    }

    mutating func array<T>(
        _ field: StaticString, minimumElementSize: Int = 1,
        _ read: (inout WireReader) throws(WireDecodeError) -> T
    ) throws(WireDecodeError) -> [T] {
        let count = try count(field, minimumElementSize: minimumElementSize)
        var values: [T] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try read(&self)) }
        return values
    }

    /// Reads an enum stored as its raw `UInt8`.
    mutating func rawEnum<T: RawRepresentable>(_ field: StaticString, _: T.Type) throws(WireDecodeError) -> T
    where T.RawValue == UInt8 {
        let raw = try u8(field)
        guard let value = T(rawValue: raw) else {
            throw .invalidValue(field: field.description, expected: "a known \(T.self) code (got \(raw))")
        }
        return value
    }
}
