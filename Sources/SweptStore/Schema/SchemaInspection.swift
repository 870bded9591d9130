import GRDB

/// What an existing file holds, read without modifying it.
enum SchemaInspection: Equatable {
    /// No tables at all: a new store.
    case empty
    /// An Optuna 5.0 database with no swept tables yet: swept adopts it.
    case optunaOnly
    /// A swept store at `version` (≤ this build's).
    case swept(version: Int)

    /// Reads the schema markers of `db` and refuses what this build must not touch.
    static func inspect(_ db: Database, path: String) throws -> SchemaInspection {
        let tables = try String.fetchSet(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        if tables.isEmpty { return .empty }
        var sweptVersion: Int?
        if tables.contains("swept_migrations") {
            let newest = try Int.fetchOne(db, sql: "SELECT MAX(version) FROM swept_migrations") ?? 0
            if newest > SweptSchema.currentVersion {
                let build = try String.fetchOne(
                    db, sql: "SELECT swept_build FROM swept_migrations ORDER BY version DESC LIMIT 1") ?? "?"
                throw StoreError(.newerSchema, "store \(path) was written by a newer swept (\(build), schema "
                    + "version \(newest)); this build understands schema versions up to "
                    + "\(SweptSchema.currentVersion). Upgrade swept to open it; the file was not modified.")
            }
            sweptVersion = newest
        }
        guard tables.contains("version_info") else {
            if sweptVersion != nil {
                throw StoreError(.corrupt, "store \(path) has swept tables but no Optuna version_info table; "
                    + "it is damaged")
            }
            throw StoreError(.incompatibleSchema, "\(path) is an SQLite database but neither a swept store nor an "
                + "Optuna study database (no version_info table); refusing to modify it")
        }
        let optunaVersion = try Int.fetchOne(
            db, sql: "SELECT schema_version FROM version_info WHERE version_info_id = 1")
        let library = try String.fetchOne(db, sql: "SELECT library_version FROM version_info WHERE version_info_id = 1")
        if let v = optunaVersion, v > OptunaSchema.schemaVersion {
            throw StoreError(.newerSchema, "\(path) uses Optuna RDB schema \(v) (Optuna \(library ?? "?")); swept "
                + "understands schema \(OptunaSchema.schemaVersion) (Optuna 5.0). The file was not modified.")
        }
        if optunaVersion != OptunaSchema.schemaVersion {
            let found = optunaVersion.map(String.init) ?? "none"
            throw StoreError(.incompatibleSchema, "\(path) uses Optuna RDB schema \(found) "
                + "(Optuna \(library ?? "?")); run `optuna storage upgrade --storage sqlite:///\(path)` with "
                + "Optuna 5.0 first. The file was not modified.")
        }
        return sweptVersion.map { .swept(version: $0) } ?? .optunaOnly
    }
}
