import ArgumentParser
import Foundation
import SweptConfig
import SweptStore
import SweptWire

/// A CLI error with its exit code: 1 for the user's mistakes (unknown study, missing store file, bad value),
/// 2 for failures (a corrupt or unreadable store, an I/O error).
struct CLIFailure: Error, CustomStringConvertible {
    /// The documented exit codes (docs/cli.md).
    enum Kind: Int32 {
        case user = 1
        case failure = 2
    }

    let kind: Kind
    let message: String

    var description: String { message }

    static func user(_ message: String) -> CLIFailure { CLIFailure(kind: .user, message: message) }
    static func failure(_ message: String) -> CLIFailure { CLIFailure(kind: .failure, message: message) }

    /// A coordinator's error reply to `request`: its refusals of the user's input (unknown study or trial, bad
    /// argument or config, a name taken) are the user's mistake; anything else is a failure of `coordinator`.
    static func refusal(_ error: WireRemoteError, request: String, coordinator: String) -> CLIFailure {
        switch error.code {
        case .unknownStudy, .unknownTrial, .invalidArgument, .invalidConfig, .conflict:
            return .user(error.message)
        default:
            return .failure("\(coordinator) refused \(request): \(error.message)")
        }
    }

    /// Runs `body`, printing any error as `error: …` on stderr and exiting with the documented code.
    static func reporting<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw exit(for: error)
        }
    }

    /// The async twin of `reporting(_:)`.
    static func reporting<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw exit(for: error)
        }
    }

    /// Prints `error` on stderr (unless it is already an exit code) and returns the exit code it maps to.
    private static func exit(for error: any Error) -> ExitCode {
        let kind: Kind
        let message: String
        switch error {
        case let error as ExitCode:
            return error
        case let error as CLIFailure:
            (kind, message) = (error.kind, error.message)
        case let error as StoreError:
            switch error.code {
            case .studyNotFound, .trialNotFound, .invalidValue, .locked, .newerSchema, .notADatabase,
                 .duplicateStudyName:
                kind = .user
            default:
                kind = .failure
            }
            message = error.message
        case let error as ConfigError:
            (kind, message) = (.user, "\(error)")
        case let error as ValidationError:
            (kind, message) = (.user, error.message)
        default:
            (kind, message) = (.failure, "\(error)")
        }
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        return ExitCode(kind.rawValue)
    }
}

/// Writes one line (or block) to standard output and flushes it.
func emit(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
