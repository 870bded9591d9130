import GRDB

/// Applies swept's pending migrations, each in its own transaction, recording them in `swept_migrations`.
enum Migrator {
    /// A short identification of this build for `swept_migrations.swept_build`.
    static let build = "swept schema \(SweptSchema.currentVersion)"

    /// Brings `writer`'s database up to `SweptSchema.currentVersion`; `from` is the version found by inspection.
    static func migrate(_ writer: some DatabaseWriter, from current: Int, now: Double) throws {
        for migration in SweptSchema.migrations where migration.version > current {
            try writer.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    try db.execute(sql: SweptSchema.migrationsTable)
                    try migration.apply(db)
                    try db.execute(
                        sql: """
                            INSERT INTO swept_migrations (version, name, applied_at, swept_build) VALUES (?, ?, ?, ?)
                            """,
                        arguments: [migration.version, migration.name, OptunaDateTime.format(now), build])
                    return .commit
                }
            }
        }
    }
}
