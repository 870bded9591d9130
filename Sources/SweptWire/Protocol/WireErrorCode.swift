/// The code of an error reply. Values are part of the protocol: never renumber, only add.
public enum WireErrorCode: UInt16, Sendable, Codable, CaseIterable {
    /// The request could not be decoded (truncated, bad field, trailing bytes).
    case malformed = 1
    /// The HMAC tag did not verify: wrong cluster secret or altered bytes.
    case unauthenticated = 2
    /// The request's protocol version is not spoken here.
    case unsupportedVersion = 3
    /// The request exceeded the size bound.
    case tooLarge = 4
    /// The kind byte names no request.
    case unknownKind = 5
    /// No study has that name or id.
    case unknownStudy = 10
    /// No trial has that id.
    case unknownTrial = 11
    /// A field is well formed but not acceptable (e.g. a parameter outside the search space).
    case invalidArgument = 12
    /// The request conflicts with the current state (e.g. a study of that name exists).
    case conflict = 13
    /// The coordinator cannot serve now (shutting down, overloaded); retry later with the same request id.
    case unavailable = 14
    /// The sender has not registered (or its incarnation is unknown); register again.
    case notRegistered = 15
    /// The sender is quarantined for failing too often.
    case quarantined = 16
    /// The study configuration was rejected; the message names file, line and field.
    case invalidConfig = 17
    /// A bug on the serving side; the message says what failed.
    case `internal` = 99
}
