/// Little-endian encoding helpers for the change log's records.
struct LogWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    /// Empties the buffer, keeping its capacity for the next record.
    mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    mutating func u8(_ value: UInt8) { bytes.append(value) }

    mutating func u32(_ value: UInt32) { append(value) }
    mutating func u64(_ value: UInt64) { append(value) }

    mutating func i64(_ value: Int64) { u64(UInt64(bitPattern: value)) }
    mutating func int(_ value: Int) { i64(Int64(value)) }
    mutating func double(_ value: Double) { u64(value.bitPattern) }
    mutating func bool(_ value: Bool) { u8(value ? 1 : 0) }

    mutating func string(_ value: String) {
        var text = value
        text.withUTF8 { utf8 in
            u32(UInt32(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// Overwrites four bytes at `offset` (a length or count written after its contents).
    mutating func patchU32(_ value: UInt32, at offset: Int) { patch(value, at: offset) }
    /// Overwrites eight bytes at `offset` (a checksum written after the payload).
    mutating func patchU64(_ value: UInt64, at offset: Int) { patch(value, at: offset) }

    private mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    private mutating func patch<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        withUnsafeBytes(of: value.littleEndian) { raw in
            for (index, byte) in raw.enumerated() { bytes[offset + index] = byte }
        }
    }
}

/// Reads what `LogWriter` wrote; every read checks the bounds and throws `LogReader.Truncated` past the end.
struct LogReader {
    struct Truncated: Error {}

    private let bytes: ArraySlice<UInt8>
    private(set) var offset: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        offset = bytes.startIndex
    }

    var isAtEnd: Bool { offset >= bytes.endIndex }

    mutating func u8() throws -> UInt8 {
        guard offset < bytes.endIndex else { throw Truncated() }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u32() throws -> UInt32 { try littleEndian() }
    mutating func u64() throws -> UInt64 { try littleEndian() }

    private mutating func littleEndian<T: FixedWidthInteger & UnsignedInteger>() throws -> T {
        let width = MemoryLayout<T>.size
        guard bytes.endIndex - offset >= width else { throw Truncated() }
        var value: T = 0
        for index in 0..<width { value |= T(bytes[offset + index]) << (8 * index) }
        offset += width
        return value
    }

    mutating func i64() throws -> Int64 { Int64(bitPattern: try u64()) }
    mutating func int() throws -> Int { Int(try i64()) }
    mutating func double() throws -> Double { Double(bitPattern: try u64()) }
    mutating func bool() throws -> Bool { try u8() != 0 }

    mutating func string() throws -> String {
        let count = Int(try u32())
        guard bytes.endIndex - offset >= count else { throw Truncated() }
        defer { offset += count }
        return String(decoding: bytes[offset..<(offset + count)], as: UTF8.self)
    }
}

/// FNV-1a, 64-bit: the change log's record checksum (detects a torn or overwritten tail, not an attacker).
enum LogChecksum {
    static func of(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
