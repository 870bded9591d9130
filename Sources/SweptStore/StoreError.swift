import GRDB

/// An error from the study store. The message names the file, study, trial or field involved and says what was
/// expected; `code` lets callers branch without parsing text.
public struct StoreError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure this is.
    public enum Code: String, Sendable {
        /// The file exists but is not an SQLite database.
        case notADatabase
        /// The file is an SQLite database but damaged or truncated.
        case corrupt
        /// The store was written by a newer swept (or a newer Optuna schema) than this build understands.
        case newerSchema
        /// The file is SQLite but its schema is not one swept can open (e.g. an old Optuna schema).
        case incompatibleSchema
        /// Another process holds the store open for writing.
        case locked
        /// The file or its directory cannot be written.
        case readOnly
        /// The disk (or the process's file-size limit) is full.
        case diskFull
        /// A write or read failed at the operating-system level.
        case io
        /// A study with this name already exists.
        case duplicateStudyName
        /// No such study.
        case studyNotFound
        /// No such trial.
        case trialNotFound
        /// The operation does not fit the trial's or lease's current state.
        case invalidState
        /// A value handed to the store is out of range or malformed.
        case invalidValue
        /// The store has been closed.
        case closed
        /// Any other SQLite failure.
        case sqlite
    }

    /// The kind of failure.
    public let code: Code
    /// A human-readable sentence naming what failed and what was expected.
    public let message: String

    /// Makes an error with a code and a message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// Translates a GRDB/SQLite error into a store error that names `path` and the operation.
    static func wrap(_ error: any Error, path: String, doing operation: String) -> StoreError {
        if let error = error as? StoreError { return error }
        guard let dbError = error as? DatabaseError else {
            return StoreError(.io, "\(operation) failed for store \(path): \(error)")
        }
        let detail = dbError.message ?? "\(dbError.resultCode)"
        switch dbError.resultCode {
        case .SQLITE_NOTADB:
            return StoreError(.notADatabase, "\(path) is not an SQLite database (\(operation): \(detail))")
        case .SQLITE_CORRUPT:
            return StoreError(.corrupt, "store \(path) is corrupt or truncated (\(operation): \(detail))")
        case .SQLITE_FULL:
            return StoreError(.diskFull, "disk full while writing store \(path) (\(operation): \(detail)); "
                + "the last committed state is intact")
        case .SQLITE_READONLY, .SQLITE_PERM:
            return StoreError(.readOnly, "store \(path) cannot be written (\(operation): \(detail)); "
                + "check the permissions of the file and its directory")
        case .SQLITE_CANTOPEN:
            return StoreError(.readOnly, "store \(path) cannot be opened (\(operation): \(detail)); "
                + "check that its directory exists and is writable")
        case .SQLITE_IOERR:
            return StoreError(.io, "I/O error on store \(path) (\(operation): \(detail)); a full disk or a "
                + "file-size limit also shows up this way; the last committed state is intact")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return StoreError(.locked, "store \(path) is locked by another connection (\(operation): \(detail))")
        default:
            return StoreError(.sqlite, "SQLite error on store \(path) (\(operation): \(detail))")
        }
    }
}
