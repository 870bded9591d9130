import Foundation
import Logging
import SweptCoordinator
import SweptStore
import SweptWire

/// The coordinator of `swept run`, in this process: the store, a loopback listener on a free port, a fresh
/// secret in a private temporary directory (which also holds the workers' logs), and a client for this process.
final class LocalCluster: Sendable {
    let store: StudyStore
    let coordinator: Coordinator
    /// Where workers dial.
    let url: String
    /// The secret's file (mode 0600).
    let secretPath: String
    /// The private directory of this run (secret, worker logs).
    let directory: String
    private let client: WireClient
    private let serving: Task<Void, any Error>

    private init(store: StudyStore, coordinator: Coordinator, url: String, secretPath: String, directory: String,
                 client: WireClient, serving: Task<Void, any Error>) {
        self.store = store
        self.coordinator = coordinator
        self.url = url
        self.secretPath = secretPath
        self.directory = directory
        self.client = client
        self.serving = serving
    }

    /// Opens the store (FULL durability) and starts serving.
    /// - Throws: `StoreError` when the store cannot be opened (locked by another coordinator, not a store…).
    static func start(store path: String, logLevel: Logger.Level) async throws -> LocalCluster {
        let directory = try makePrivateDirectory()
        let secretPath = directory + "/cluster.secret"
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        guard FileManager.default.createFile(atPath: secretPath, contents: Data(hex.utf8),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw CLIFailure.failure("cannot write the run's secret to \(secretPath)")
        }
        let secret = try WireSecret(contentsOfFile: secretPath)
        let store = try StudyStore.open(at: path, options: StoreOptions(synchronous: .normal))
        var logger = Logger(label: "swept.coordinator")
        logger.logLevel = logLevel
        let coordinator: Coordinator
        let port: Int
        do {
            coordinator = try await Coordinator(store: store, secret: secret, logger: logger)
            port = try coordinator.listen("tcp://127.0.0.1:0")
        } catch {
            try? await store.close()
            throw error
        }
        let url = "tcp://127.0.0.1:\(port)"
        let serving = Task { try await coordinator.run() }
        let client = try WireClient(url: url, codec: WireCodec(secret: secret),
                                    identity: WireIdentity(senderID: "run-\(ProcessInfo.processInfo.processIdentifier)"))
        return LocalCluster(store: store, coordinator: coordinator, url: url, secretPath: secretPath,
                            directory: directory, client: client, serving: serving)
    }

    /// One request to the coordinator; an error reply becomes a `CLIFailure`.
    func call(_ body: RequestBody) async throws -> ReplyBody {
        do {
            return try await client.call(body, attempts: 3, timeout: .seconds(10))
        } catch let error as WireRemoteError {
            throw CLIFailure.refusal(error, request: body.name, coordinator: "the coordinator")
        }
    }

    /// The coordinator's summary of study `name`.
    func summary(of name: String) async throws -> SweptWire.StudySummary {
        let reply = try await call(.status(StudyReference(study: name)))
        guard case .status(let status) = reply, let summary = status.studies.first(where: { $0.name == name }) else {
            throw CLIFailure.failure("the coordinator has no status for study \(name)")
        }
        return summary
    }

    /// Stops serving, waits for the coordinator, closes the store; the secret is removed, the logs stay.
    func close() async {
        client.close()
        coordinator.shutdown()
        _ = try? await serving.value
        try? await store.close()
        try? FileManager.default.removeItem(atPath: secretPath)
    }

    private static func makePrivateDirectory() throws -> String {
        var template = Array((NSTemporaryDirectory() + "/swept-run-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
        guard made != nil else { throw CLIFailure.failure("cannot create a private temporary directory") }
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return path.replacingOccurrences(of: "//", with: "/")
    }
}
