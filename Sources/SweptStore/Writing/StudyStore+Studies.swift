import GRDB
import SweptTuning

extension StudyStore {
    /// Creates a study with a unique name and one direction per objective.
    ///
    /// - Throws: `.duplicateStudyName` when the name is taken, `.invalidValue` for an empty name or no directions.
    public func createStudy(named name: String, directions: [StudyDirection] = [.minimize],
                            userAttributes: [String: AttributeValue] = [:],
                            systemAttributes: [String: AttributeValue] = [:]) async throws -> StudyRecord {
        try Self.validateStudyName(name)
        guard !directions.isEmpty else {
            throw StoreError(.invalidValue, "study '\(name)': directions must list at least one objective")
        }
        let now = clock()
        return try await write("create study '\(name)'") { db in
            try Self.insertStudy(db, name: name, directions: directions, userAttributes: userAttributes,
                                 systemAttributes: systemAttributes, now: now)
        }
    }

    /// Sets (or replaces) a study user attribute.
    public func setStudyUserAttribute(_ study: StudyID, key: String, value: AttributeValue) async throws {
        try await write("set user attribute '\(key)' of study \(study.rawValue)") { db in
            _ = try RowHelpers.directions(db, study)
            try RowHelpers.setAttribute(db, table: "study_user_attributes", owner: "study_id", id: study.rawValue,
                                        key: key, value: value)
        }
    }

    /// Sets (or replaces) a study system attribute.
    public func setStudySystemAttribute(_ study: StudyID, key: String, value: AttributeValue) async throws {
        try await write("set system attribute '\(key)' of study \(study.rawValue)") { db in
            _ = try RowHelpers.directions(db, study)
            try RowHelpers.setAttribute(db, table: "study_system_attributes", owner: "study_id", id: study.rawValue,
                                        key: key, value: value)
        }
    }

    /// The study named `name`, or nil.
    public func study(named name: String) throws -> StudyRecord? {
        try read("find study '\(name)'") { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT study_id FROM studies WHERE study_name = ?",
                                              arguments: [name]) else { return nil }
            return StudyRecord(id: StudyID(rawValue: id), name: name,
                               directions: try RowHelpers.directions(db, StudyID(rawValue: id)))
        }
    }

    /// The study with row id `id`, or `.studyNotFound`.
    public func study(_ id: StudyID) throws -> StudyRecord {
        try read("read study \(id.rawValue)") { db in try Self.studyRecord(db, id) }
    }

    /// Every study, by id.
    public func allStudies() throws -> [StudyRecord] {
        try read("list studies") { db in
            try Int64.fetchAll(db, sql: "SELECT study_id FROM studies ORDER BY study_id").map {
                try Self.studyRecord(db, StudyID(rawValue: $0))
            }
        }
    }

    /// A study's user attributes.
    public func studyUserAttributes(_ study: StudyID) throws -> [String: AttributeValue] {
        try read("read study attributes") { db in
            try Self.attributes(db, table: "study_user_attributes", owner: "study_id", id: study.rawValue)
        }
    }

    /// A study's system attributes.
    public func studySystemAttributes(_ study: StudyID) throws -> [String: AttributeValue] {
        try read("read study attributes") { db in
            try Self.attributes(db, table: "study_system_attributes", owner: "study_id", id: study.rawValue)
        }
    }

    // MARK: - Shared with import

    static func validateStudyName(_ name: String) throws {
        guard !name.isEmpty, name.utf8.count <= 512 else {
            throw StoreError(.invalidValue, "study name must be 1 to 512 bytes, got \(name.utf8.count) bytes")
        }
    }

    static func insertStudy(_ db: Database, name: String, directions: [StudyDirection],
                            userAttributes: [String: AttributeValue], systemAttributes: [String: AttributeValue],
                            now: Double) throws -> StudyRecord {
        if let existing = try Int64.fetchOne(db, sql: "SELECT study_id FROM studies WHERE study_name = ?",
                                             arguments: [name]) {
            throw StoreError(.duplicateStudyName, "a study named '\(name)' already exists (study id \(existing)); "
                + "choose another name or load the existing study")
        }
        try db.execute(sql: "INSERT INTO studies (study_name) VALUES (?)", arguments: [name])
        let id = StudyID(rawValue: db.lastInsertedRowID)
        for (objective, direction) in directions.enumerated() {
            try db.execute(sql: "INSERT INTO study_directions (direction, study_id, objective) VALUES (?, ?, ?)",
                           arguments: [direction.rawValue, id.rawValue, objective])
        }
        for key in userAttributes.keys.sorted() {
            try RowHelpers.setAttribute(db, table: "study_user_attributes", owner: "study_id", id: id.rawValue,
                                        key: key, value: userAttributes[key] ?? .null)
        }
        for key in systemAttributes.keys.sorted() {
            try RowHelpers.setAttribute(db, table: "study_system_attributes", owner: "study_id", id: id.rawValue,
                                        key: key, value: systemAttributes[key] ?? .null)
        }
        try RowHelpers.event(db, at: now, kind: "study.created", study: id, trial: nil)
        return StudyRecord(id: id, name: name, directions: directions)
    }

    static func studyRecord(_ db: Database, _ id: StudyID) throws -> StudyRecord {
        guard let name = try String.fetchOne(db, sql: "SELECT study_name FROM studies WHERE study_id = ?",
                                             arguments: [id.rawValue]) else {
            throw StoreError(.studyNotFound, "no study with id \(id.rawValue) in the store")
        }
        return StudyRecord(id: id, name: name, directions: try RowHelpers.directions(db, id))
    }

    static func attributes(_ db: Database, table: String, owner: String, id: Int64) throws -> [String: AttributeValue] {
        var result: [String: AttributeValue] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT \"key\", value_json FROM \(table) WHERE \(owner) = ?",
                                       arguments: [id])
        while let row = try rows.next() {
            let key: String = row[0] ?? ""
            let json: String = row[1] ?? "null"
            result[key] = try AttributeJSON.decode(json, context: "\(table) '\(key)' of \(owner) \(id)")
        }
        return result
    }
}
