import GRDB
import GRDBSQLite
import SweptTuning

/// `swept_best`: the best `kept` COMPLETE trials of each study by objective 0, kept up to date as trials finish.
/// It answers best-trial and top-k queries with a few rows instead of an index over every value
/// (`swept_ix_trial_values_objective_value` cost ≈20 bytes per trial).
///
/// `rank_key` is objective 0 (±inf included) for minimization and its negation for maximization, so that Optuna's
/// order — best first, ties to the lower number — is `ORDER BY rank_key, number` for either direction.
/// `swept_best_watermark` holds the largest `trial_values.trial_value_id` the table has seen; a store whose values
/// were written by another program (Optuna itself, on a file swept had closed) is rebuilt when swept opens it.
enum BestTable {
    /// Trials kept per study; top-k for a larger k sorts the study's values instead.
    static let kept = 64

    static let createStatements: [String] = [
        """
        CREATE TABLE swept_best (
            study_id INTEGER NOT NULL,
            rank_key REAL NOT NULL,
            number INTEGER NOT NULL,
            trial_id INTEGER NOT NULL,
            PRIMARY KEY (study_id, rank_key, number)
        ) WITHOUT ROWID
        """,
        "CREATE TABLE swept_best_watermark (last_value_id INTEGER NOT NULL)",
        "INSERT INTO swept_best_watermark (last_value_id) VALUES (0)",
    ]

    /// Refills the table from `trial_values` and moves the watermark to the newest value row.
    static func rebuild(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM swept_best")
        try db.execute(sql: """
            INSERT INTO swept_best (study_id, rank_key, number, trial_id)
            SELECT study_id, rank_key, number, trial_id FROM (
                SELECT study_id, rank_key, number, trial_id,
                       ROW_NUMBER() OVER (PARTITION BY study_id ORDER BY rank_key, number) AS position
                FROM (
                    SELECT t.study_id, t.number, t.trial_id,
                           (CASE v.value_type WHEN 'INF_POS' THEN 9e999 WHEN 'INF_NEG' THEN -9e999 ELSE v.value END)
                           * (CASE d.direction WHEN 'MAXIMIZE' THEN -1 ELSE 1 END) AS rank_key
                    FROM trials t
                    JOIN trial_values v ON v.trial_id = t.trial_id AND v.objective = 0
                    JOIN study_directions d ON d.study_id = t.study_id AND d.objective = 0
                    WHERE t.state = 'COMPLETE'
                      AND (v.value IS NOT NULL OR v.value_type IN ('INF_POS', 'INF_NEG'))))
            WHERE position <= \(kept)
            """)
        try moveWatermarkToNewest(db)
    }

    /// Moves the watermark to the newest `trial_values` row: after a rebuild, and once at the end of a transaction
    /// whose finishes deferred it (`ApplyMemo.defersBestWatermark`).
    static func moveWatermarkToNewest(_ db: Database) throws {
        try db.cachedStatement(sql: """
            UPDATE swept_best_watermark
            SET last_value_id = (SELECT COALESCE(MAX(trial_value_id), 0) FROM trial_values)
            """).execute()
    }

    /// Rebuilds the table when `trial_values` holds rows it has not seen (written by another program).
    static func rebuildIfStale(_ db: Database) throws {
        let seen = try Int64.fetchOne(db, sql: "SELECT last_value_id FROM swept_best_watermark") ?? -1
        let newest = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(trial_value_id), 0) FROM trial_values") ?? 0
        if seen != newest { try rebuild(db) }
    }

    /// A kept row's place in the order: rank key, then number.
    typealias Position = (rankKey: Double, number: Int)

    /// Records a trial whose value rows were just written (up to row `lastValueID`): a COMPLETE one with `value` as
    /// objective 0 enters the table when it ranks among the kept ones (the row it pushes out is dropped), and the
    /// watermark moves past the trial's value rows — at once, or at the end of the transaction when `memo` defers
    /// it. Most trials of a long study rank below the kept ones: for them this is one index read of the last kept
    /// row, once per transaction and study (`memo` remembers it until the table changes).
    static func record(_ db: Database, _ ref: TrialRef, value: Double?, direction: StudyDirection,
                       lastValueID: Int64, memo: inout ApplyMemo) throws {
        if let value, !value.isNaN {
            let key = direction == .maximize ? -value : value
            let last = try memo.bestLast(ref.study) { try lastKept(db, study: ref.study) }
            if let last, last < (key, ref.number) {
                // Full, and the trial ranks below every kept row: nothing to change.
            } else {
                let insert = try FastWrite(
                    db, "INSERT INTO swept_best (study_id, rank_key, number, trial_id) VALUES (?, ?, ?, ?)")
                insert.bind(1, ref.study.rawValue)
                insert.bind(2, key)
                insert.bind(3, ref.number)
                insert.bind(4, ref.id.rawValue)
                try insert.run(db)
                if let last {
                    let delete = try FastWrite(
                        db, "DELETE FROM swept_best WHERE study_id = ? AND rank_key = ? AND number = ?")
                    delete.bind(1, ref.study.rawValue)
                    delete.bind(2, last.rankKey)
                    delete.bind(3, last.number)
                    try delete.run(db)
                }
                memo.bestTableChanged(ref.study)
            }
        }
        if !memo.defersBestWatermark {
            let watermark = try FastWrite(db, "UPDATE swept_best_watermark SET last_value_id = ?")
            watermark.bind(1, lastValueID)
            try watermark.run(db)
        }
    }

    /// The study's last kept row, or `nil` while the table holds fewer than `kept` rows for it.
    private static func lastKept(_ db: Database, study: StudyID) throws -> Position? {
        let select = try FastWrite(db, """
            SELECT rank_key, number FROM swept_best WHERE study_id = ?
            ORDER BY rank_key, number LIMIT 1 OFFSET \(kept - 1)
            """)
        select.bind(1, study.rawValue)
        return try select.first(db) { row in
            (rankKey: sqlite3_column_double(row, 0), number: Int(sqlite3_column_int64(row, 1)))
        }
    }

    /// The trial ids of the best `limit` trials from the table, or `nil` when the table cannot tell (it is full
    /// and `limit` is larger).
    static func best(_ db: Database, study: StudyID, limit: Int) throws -> [TrialID]? {
        let ids = try Int64.fetchAll(db.cachedStatement(sql: """
            SELECT trial_id FROM swept_best WHERE study_id = ? ORDER BY rank_key, number LIMIT ?
            """), arguments: [study.rawValue, limit])
        if ids.count < limit, ids.count >= kept { return nil }
        return ids.map(TrialID.init(rawValue:))
    }
}
