import ArgumentParser
import Foundation
import SweptConfig
import SweptStore

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

    /// Runs `body`, printing any error as `error: …` on stderr and exiting with the documented code.
    static func reporting<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as CLIFailure {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(error.kind.rawValue)
        } catch let error as StoreError {
            let kind: Kind
            switch error.code {
            case .studyNotFound, .trialNotFound, .invalidValue, .locked, .newerSchema, .notADatabase: kind = .user
            default: kind = .failure
            }
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(kind.rawValue)
        } catch let error as ConfigError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(Kind.user.rawValue)
        } catch let error as ExitCode {
            throw error
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(Kind.failure.rawValue)
        }
    }
}

/// Writes one line (or block) to standard output and flushes it.
func emit(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
