/// Appends fields in the compact binary encoding: little-endian fixed-width integers, IEEE 754 doubles as their
/// bit pattern, strings and byte strings as a `u32` length then the bytes, arrays as a `u32` count then the
/// elements, optionals as a `u8` presence flag (0 or 1) then the value.
public struct WireWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]

    /// Creates a writer with room for `capacity` bytes.
    public init(capacity: Int = 128) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inline(__always) mutating func u8(_ value: UInt8) { bytes.append(value) }

    @inline(__always) mutating func u16(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value &>> 8))
    }

    @inline(__always) mutating func u32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    @inline(__always) mutating func u64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    @inline(__always) mutating func i64(_ value: Int64) { u64(UInt64(bitPattern: value)) }
    @inline(__always) mutating func f64(_ value: Double) { u64(value.bitPattern) }
    @inline(__always) mutating func bool(_ value: Bool) { u8(value ? 1 : 0) }

    /// Appends a string's UTF-8 bytes, with no length before them.
    mutating func append(utf8 value: String) {
        var value = value
        value.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Overwrites four bytes at `offset` with `value`, little-endian (a length known only at the end).
    mutating func patchU32(_ value: UInt32, at offset: Int) {
        bytes.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt32.self)
        }
    }

    /// Hands the bytes over, leaving the writer empty (no copy of a shared buffer follows).
    mutating func take() -> [UInt8] {
        var taken: [UInt8] = []
        swap(&taken, &bytes)
        return taken
    }

    mutating func string(_ value: String) {
        u32(UInt32(truncatingIfNeeded: value.utf8.count))
        append(utf8: value)
    }

    mutating func byteString(_ value: [UInt8]) {
        u32(UInt32(truncatingIfNeeded: value.count))
        bytes.append(contentsOf: value)
    }

    mutating func optional<T>(_ value: T?, _ write: (inout WireWriter, T) -> Void) {
        if let value {
            u8(1)
            write(&self, value)
        } else {
            u8(0)
        }
    }

    mutating func array<T>(_ values: [T], _ write: (inout WireWriter, T) -> Void) {
        u32(UInt32(truncatingIfNeeded: values.count))
        for value in values { write(&self, value) }
    }

    mutating func append(contentsOf other: some Sequence<UInt8>) { bytes.append(contentsOf: other) }
}
