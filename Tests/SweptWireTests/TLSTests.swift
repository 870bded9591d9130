import Foundation
import SweptWire
import Testing

/// `tls+tcp://` with certificate files made by the `openssl` command-line tool.
@Suite("TLS transport")
struct TLSTests {
    /// A directory holding a self-signed certificate for `localhost` (`cert.pem`, `key.pem`).
    struct Certificate {
        let directory: URL
        var certificate: String { directory.appendingPathComponent("cert.pem").path }
        var key: String { directory.appendingPathComponent("key.pem").path }

        /// Generates a P-256 self-signed certificate with `openssl req -x509`.
        static func make(commonName: String = "localhost") throws -> Certificate {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "swept-tls-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", directory.appendingPathComponent("key.pem").path,
                "-out", directory.appendingPathComponent("cert.pem").path,
                "-days", "2", "-subj", "/CN=\(commonName)", "-addext", "subjectAltName=DNS:\(commonName)",
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "openssl req failed"])
            }
            return Certificate(directory: directory)
        }

        func remove() {
            try? FileManager.default.removeItem(at: directory)
        }
    }

    /// Whether to run: `openssl` is installed, or `CI` is set (then a missing `openssl` fails the test).
    static var opensslAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")
            || FileManager.default.isExecutableFile(atPath: "/usr/local/bin/openssl")
            || ProcessInfo.processInfo.environment["CI"] != nil
    }

    /// Starts an authenticated echo-style server on `tls+tcp://127.0.0.1:0`.
    static func startServer(_ certificate: Certificate) throws -> (WireServer, Int, Task<Void, any Error>) {
        let server = try WireServer(codec: testCodec, identity: WireIdentity(senderID: "coordinator"))
        let listener = try server.listen(
            "tls+tcp://127.0.0.1:0",
            options: ListenOptions(tls: TLSFiles(certificateFile: certificate.certificate, keyFile: certificate.key)))
        let task = Task {
            try await server.run(contexts: 2) { request in
                guard case .reportIntermediate(let report) = request.body else { return .acknowledged }
                return .verdict(TrialVerdict(trialID: report.trialID, decision: .prune))
            }
        }
        return (server, listener.boundPort, task)
    }

    @Test(
        "an authenticated request round-trips over tls+tcp with a verified self-signed certificate",
        .enabled(if: opensslAvailable, "needs the openssl command (apt-get install openssl)"))
    func roundTrip() async throws {
        let certificate = try Certificate.make()
        defer { certificate.remove() }
        let (server, port, serving) = try Self.startServer(certificate)
        defer {
            server.close()
            serving.cancel()
        }
        #expect(port > 0)
        let client = try WireClient(
            url: "tls+tcp://127.0.0.1:\(port)", codec: testCodec, identity: WireIdentity(senderID: "w1"),
            socketOptions: SocketOptions(receiveTimeout: .seconds(10)),
            dialOptions: DialOptions(tls: TLSFiles(caFile: certificate.certificate, serverName: "localhost")))
        defer { client.close() }
        for step in 0..<3 {
            let reply = try await client.call(
                .reportIntermediate(
                    IntermediateReport(
                        trialID: 9, leaseEpoch: 1,
                        step: Int64(step), value: 1)))
            #expect(reply == .verdict(TrialVerdict(trialID: 9, decision: .prune)))
        }
    }

    @Test(
        "a client that trusts another certificate gets no connection",
        .enabled(if: opensslAvailable, "needs the openssl command (apt-get install openssl)"))
    func untrustedServer() async throws {
        let certificate = try Certificate.make()
        let stranger = try Certificate.make()
        defer {
            certificate.remove()
            stranger.remove()
        }
        let (server, port, serving) = try Self.startServer(certificate)
        defer {
            server.close()
            serving.cancel()
        }
        let client = try WireClient(
            url: "tls+tcp://127.0.0.1:\(port)", codec: testCodec, identity: WireIdentity(senderID: "w1"),
            socketOptions: SocketOptions(sendTimeout: .milliseconds(400), receiveTimeout: .milliseconds(400)),
            dialOptions: DialOptions(
                reconnectMinimum: .milliseconds(50),
                tls: TLSFiles(
                    caFile: stranger.certificate,
                    serverName: "localhost")))
        defer { client.close() }
        do {
            _ = try await client.call(.status(StudyReference(study: nil)))
            Issue.record("a request crossed an unverified TLS connection")
        } catch let error as TransportError {
            #expect(error.isTimeout)
        }
    }

    @Test("a missing certificate file is named in the error")
    func missingFile() throws {
        let socket = try WireSocket(.reply)
        defer { socket.close() }
        do {
            try socket.listen(
                "tls+tcp://127.0.0.1:0",
                options: ListenOptions(tls: TLSFiles(certificateFile: "/nonexistent/cert.pem")))
            Issue.record("listen accepted a missing certificate")
        } catch let error as TLSFilesError {
            #expect(error.field == "certificateFile")
            #expect(error.path == "/nonexistent/cert.pem")
        }
    }
}
