/// A value with a compact binary encoding (see docs/protocol.md for the layout of each type).
public protocol WireCodable: Sendable {
    /// Appends the value's fields.
    func encode(to writer: inout WireWriter)
    /// Reads the value's fields; throws a `WireDecodeError` naming the bad field.
    init(from reader: inout WireReader) throws(WireDecodeError)
}

extension Array where Element: WireCodable {
    func encode(to writer: inout WireWriter) {
        writer.array(self) { writer, element in element.encode(to: &writer) }
    }

    init(from reader: inout WireReader, _ field: StaticString, minimumElementSize: Int) throws(WireDecodeError) {
        self = try reader.array(field, minimumElementSize: minimumElementSize) { reader throws(WireDecodeError) in
            try Element(from: &reader)
        }
    }
}

extension WireWriter {
    mutating func strings(_ values: [String]) {
        array(values) { writer, value in writer.string(value) }
    }

    mutating func doubles(_ values: [Double]) {
        array(values) { writer, value in writer.f64(value) }
    }
}

extension WireReader {
    mutating func strings(_ field: StaticString) throws(WireDecodeError) -> [String] {
        try array(field, minimumElementSize: 4) { reader throws(WireDecodeError) in try reader.string(field) }
    }

    mutating func doubles(_ field: StaticString) throws(WireDecodeError) -> [Double] {
        try array(field, minimumElementSize: 8) { reader throws(WireDecodeError) in try reader.f64(field) }
    }

    mutating func optionalString(_ field: StaticString) throws(WireDecodeError) -> String? {
        try optional(field) { reader throws(WireDecodeError) in try reader.string(field) }
    }

    mutating func optionalI64(_ field: StaticString) throws(WireDecodeError) -> Int64? {
        try optional(field) { reader throws(WireDecodeError) in try reader.i64(field) }
    }

    mutating func optionalF64(_ field: StaticString) throws(WireDecodeError) -> Double? {
        try optional(field) { reader throws(WireDecodeError) in try reader.f64(field) }
    }
}
