import GRDB
import GRDBSQLite

/// A cached statement run through SQLite's C API, for the rows the coordinator's applier writes by the thousand:
/// arguments are bound as they are (no `StatementArguments` of existentials, no `DatabaseValue` per argument) and
/// the statement is stepped without GRDB's per-execution bookkeeping, which is for observers and suspension that
/// the store's writer connection does not use. Use it inside a transaction only; the statement stays in GRDB's
/// cache (GRDB rebinds every argument when it runs the statement itself).
struct FastWrite {
    private let statement: Statement
    private let handle: SQLiteStatement

    /// The cached statement for `sql`, reset and ready for binding.
    init(_ db: Database, _ sql: String) throws {
        statement = try db.cachedStatement(sql: sql)
        handle = statement.sqliteStatement
        sqlite3_reset(handle)
    }

    /// Binds an integer, or NULL for `nil`, to parameter `index` (1-based).
    func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    /// Binds an integer to parameter `index` (1-based).
    func bind(_ index: Int32, _ value: Int) {
        sqlite3_bind_int64(handle, index, Int64(value))
    }

    /// Binds a double, or NULL for `nil`, to parameter `index` (1-based).
    func bind(_ index: Int32, _ value: Double?) {
        if let value { sqlite3_bind_double(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    /// Binds text, or NULL for `nil`, to parameter `index` (1-based); SQLite copies it.
    func bind(_ index: Int32, _ value: String?) {
        guard var text = value else {
            sqlite3_bind_null(handle, index)
            return
        }
        text.withUTF8 { bytes in
            _ = bytes.withMemoryRebound(to: CChar.self) { chars in
                sqlite3_bind_text(handle, index, chars.baseAddress, Int32(chars.count), SQLITE_TRANSIENT)
            }
        }
    }

    /// Runs the statement to its end.
    /// - Throws: `DatabaseError` with SQLite's message and the statement's SQL.
    func run(_ db: Database) throws {
        var code = sqlite3_step(handle)
        while code == SQLITE_ROW { code = sqlite3_step(handle) }
        try finish(db, code)
    }

    /// Runs a query for its first row and passes that row's columns to `read`, or returns nil when there is none.
    func first<T>(_ db: Database, _ read: (SQLiteStatement) -> T) throws -> T? {
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW {
            let value = read(handle)
            sqlite3_reset(handle)
            return value
        }
        try finish(db, code)
        return nil
    }

    private func finish(_ db: Database, _ code: Int32) throws {
        guard code == SQLITE_DONE else {
            let message = db.sqliteConnection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            sqlite3_reset(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
        }
        sqlite3_reset(handle)
    }
}

/// SQLite copies bound text right away.
private let SQLITE_TRANSIENT = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
