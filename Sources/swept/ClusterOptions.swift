import ArgumentParser
import Foundation
import Logging
import SweptWire

/// Options shared by every command that talks over the wire: the cluster secret and TLS files.
struct ClusterSecurityOptions: ParsableArguments {
    @Option(name: .customLong("secret-file"),
            help: "File holding the cluster secret (at least 16 bytes); every message is authenticated with it.")
    var secretFile: String?

    @Option(name: .customLong("tls-cert"), help: "PEM certificate for tls+tcp:// (server: required; client: optional).")
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key matching --tls-cert.")
    var tlsKey: String?

    @Option(name: .customLong("tls-ca"), help: "PEM CA bundle to verify the peer (tls+tcp:// only).")
    var tlsCA: String?

    @Option(name: .customLong("tls-server-name"), help: "Name to verify in the coordinator's certificate.")
    var tlsServerName: String?

    /// Refuses a command line without `--secret-file` (commands that always talk to the cluster call this).
    func requireSecretFile() throws {
        if secretFile == nil {
            throw ValidationError("--secret-file is required: every message is authenticated with the cluster secret")
        }
    }

    func secret() throws -> WireSecret {
        guard let secretFile else {
            throw ValidationError("--secret-file is required to talk to a coordinator: every message is "
                + "authenticated with the cluster secret")
        }
        do {
            return try WireSecret(contentsOfFile: secretFile)
        } catch {
            throw ValidationError("--secret-file: \(error)")
        }
    }

    var tls: TLSFiles? {
        if tlsCertificate == nil, tlsKey == nil, tlsCA == nil, tlsServerName == nil { return nil }
        return TLSFiles(certificateFile: tlsCertificate, keyFile: tlsKey, caFile: tlsCA, serverName: tlsServerName,
                        verifyPeer: tlsCA != nil ? true : nil)
    }
}

/// Logging to standard error, set up once per process.
enum ProcessLogging {
    static func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

/// Runs `body` when the process gets SIGTERM or SIGINT (the default action is disabled).
final class TerminationSignals: @unchecked Sendable {
    private var sources: [any DispatchSourceSignal] = []

    init(_ body: @escaping @Sendable (Int32) -> Void) {
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { body(signalNumber) }
            source.resume()
            sources.append(source)
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
