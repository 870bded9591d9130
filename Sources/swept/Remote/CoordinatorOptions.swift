import ArgumentParser
import Foundation
import SweptWire

/// Options of the client commands that talk to a running coordinator (launch, stop, enqueue).
struct CoordinatorOptions: ParsableArguments {
    @Option(help: "The coordinator's address.")
    var coordinator: String = "tcp://127.0.0.1:7600"

    @OptionGroup var security: ClusterSecurityOptions

    @Option(help: "Seconds to wait for the coordinator's reply.")
    var timeout: Double = 10

    func validate() throws {
        try security.requireSecretFile()
        guard timeout > 0 else { throw ValidationError("--timeout: expected seconds > 0, got \(timeout)") }
    }

    /// Sends one request and returns the reply, mapping failures onto the CLI's exit codes: the coordinator's
    /// refusals of the user's input exit 1, an unreachable or unauthenticated coordinator exits 2.
    func call(_ body: RequestBody) async throws -> ReplyBody {
        let client = try WireClient(
            url: coordinator, codec: WireCodec(secret: try security.secret()),
            identity: WireIdentity(senderID: "cli-\(ProcessInfo.processInfo.processIdentifier)"),
            dialOptions: DialOptions(tls: security.tls))
        defer { client.close() }
        do {
            return try await client.call(body, attempts: 2, timeout: .milliseconds(Int(timeout * 500)))
        } catch let error as WireRemoteError {
            throw CLIFailure.refusal(error, request: body.name, coordinator: "coordinator \(coordinator)")
        } catch let error as TransportError where error.isTimeout {
            throw CLIFailure.failure("no reply from the coordinator at \(coordinator) within \(timeout) s; is it "
                + "running there, and is --secret-file the cluster's secret?")
        } catch let error as WireClientError {
            throw CLIFailure.failure("the coordinator at \(coordinator) answered with a reply this client cannot "
                + "accept (\(error)); is --secret-file the cluster's secret?")
        }
    }
}
