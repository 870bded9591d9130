import Foundation
import GRDB
import GRDBSQLite

/// Column reads straight from the SQLite statement of the row a GRDB cursor stands on: no `Row` conversion, no
/// `Data` or `String` per value. Valid only until the cursor moves.
struct RawColumns {
    let statement: SQLiteStatement

    init(_ statement: Statement) {
        self.statement = statement.sqliteStatement
    }

    @inline(__always)
    func isNull(_ index: Int32) -> Bool {
        sqlite3_column_type(statement, index) == SQLITE_NULL
    }

    @inline(__always)
    func int64(_ index: Int32) -> Int64 {
        sqlite3_column_int64(statement, index)
    }

    /// The column as a double, `nil` when NULL.
    @inline(__always)
    func double(_ index: Int32) -> Double? {
        isNull(index) ? nil : sqlite3_column_double(statement, index)
    }

    /// The column's UTF-8 bytes, `nil` when NULL; valid until the cursor moves.
    @inline(__always)
    func bytes(_ index: Int32) -> UnsafeRawBufferPointer? {
        guard let text = sqlite3_column_text(statement, index) else { return nil }
        return UnsafeRawBufferPointer(start: text, count: Int(sqlite3_column_bytes(statement, index)))
    }

    /// The column as a string ("" when NULL).
    func string(_ index: Int32) -> String {
        guard let bytes = bytes(index) else { return "" }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A stored value/type pair (`value_type` of Optuna's value tables) as the double it stands for.
    @inline(__always)
    func storedDouble(value: Int32, type: Int32) -> Double {
        if let stored = double(value) { return stored }
        guard let name = bytes(type) else { return .nan }
        if RawColumns.equal(name, "INF_POS") { return .infinity }
        if RawColumns.equal(name, "INF_NEG") { return -.infinity }
        return .nan
    }

    static func equal(_ bytes: UnsafeRawBufferPointer, _ text: StaticString) -> Bool {
        guard bytes.count == text.utf8CodeUnitCount else { return false }
        let other = UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
        return bytes.elementsEqual(other)
    }

    static func equal(_ bytes: UnsafeRawBufferPointer, _ stored: [UInt8]) -> Bool {
        guard bytes.count == stored.count else { return false }
        return stored.withUnsafeBytes { other in
            guard let a = bytes.baseAddress, let b = other.baseAddress else { return true }
            return memcmp(a, b, bytes.count) == 0
        }
    }
}

/// Interns repeated text columns (parameter names, attribute keys): the same bytes give the same small id and
/// one shared `String`, so a column that holds a handful of distinct names costs no allocation per row.
struct TextInterner {
    private(set) var strings: [String] = []
    private var bytes: [[UInt8]] = []
    private var ids: [String: Int32] = [:]
    private var last: Int32 = -1

    mutating func id(of text: UnsafeRawBufferPointer) -> Int32 {
        if last >= 0, RawColumns.equal(text, bytes[Int(last)]) { return last }
        // Few distinct names: a linear scan beats hashing.
        if strings.count <= 16 {
            for (index, known) in bytes.enumerated() where RawColumns.equal(text, known) {
                last = Int32(index)
                return last
            }
        } else {
            let string = String(decoding: text, as: UTF8.self)
            if let known = ids[string] {
                last = known
                return known
            }
        }
        let string = String(decoding: text, as: UTF8.self)
        let id = Int32(strings.count)
        strings.append(string)
        bytes.append(Array(text))
        ids[string] = id
        last = id
        return id
    }
}
