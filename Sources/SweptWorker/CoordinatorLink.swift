import Foundation
import Logging
import SweptWire
import Synchronization

/// A failure the worker cannot retry its way out of.
public struct WorkerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What happened and what to do.
    public let message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// The worker's connection to the coordinator: retries with backoff and jitter under the same request id (the
/// coordinator replays the reply of a request it already answered), and registers again when the coordinator
/// no longer knows this incarnation.
final class CoordinatorLink: Sendable {
    let client: WireClient
    let settings: WorkerSettings
    let capabilities: WorkerCapabilities
    let logger: Logger
    private let registration = Mutex<Registration?>(nil)
    private let closed = Atomic<Bool>(false)

    init(settings: WorkerSettings, secret: WireSecret, capabilities: WorkerCapabilities, logger: Logger) throws {
        self.settings = settings
        self.capabilities = capabilities
        self.logger = logger
        let identity = WireIdentity(senderID: settings.workerID)
        client = try WireClient(
            url: settings.coordinatorURL, codec: WireCodec(secret: secret), identity: identity,
            socketOptions: SocketOptions(sendTimeout: settings.requestTimeout, receiveTimeout: settings.requestTimeout),
            dialOptions: DialOptions(reconnectMinimum: settings.backoffMinimum,
                                     reconnectMaximum: settings.backoffMaximum, tls: settings.tls))
    }

    /// The heartbeat interval and lease TTL the coordinator asked for (after `register`).
    var timing: Registration? { registration.withLock { $0 } }

    /// Stops retrying; calls in flight fail.
    func close() {
        closed.store(true, ordering: .relaxed)
        client.close()
    }

    var isClosed: Bool { closed.load(ordering: .relaxed) }

    /// Registers (retrying until the coordinator answers).
    func register() async throws {
        let reply = try await send(.registerWorker(capabilities), reregister: false)
        guard case .registered(let timing) = reply else {
            throw WorkerError("coordinator answered registerWorker with \(reply.name)")
        }
        registration.withLock { $0 = timing }
    }

    /// Sends `body`, retrying transport failures with the same request id until a reply comes.
    func call(_ body: RequestBody) async throws -> ReplyBody {
        try await send(body, reregister: true)
    }

    private func send(_ body: RequestBody, reregister: Bool) async throws -> ReplyBody {
        var requestID = client.identity.nextRequestID()
        var attempt = 0
        while true {
            if isClosed { throw WorkerError("the connection to the coordinator is closed") }
            do {
                return try await client.call(body, requestID: requestID, timeout: settings.requestTimeout)
            } catch let error as WireRemoteError where error.code == .notRegistered && reregister {
                logger.info("coordinator does not know this worker (restarted?); registering again")
                try await register()
                requestID = client.identity.nextRequestID()
                continue
            } catch let error as WireRemoteError where error.code == .unavailable {
                logger.warning("coordinator unavailable: \(error.message); retrying")
            } catch let error as WireRemoteError {
                throw error
            } catch let error as WireClientError {
                if case .undecodableReply(let decode) = error, decode.code == .unauthenticated {
                    throw WorkerError("the coordinator's reply failed authentication: the cluster secret differs "
                        + "(check --secret-file on both sides)")
                }
                logger.warning("bad reply from coordinator: \(error); retrying")
            } catch {
                if isClosed { throw error }
                if attempt == 0 || attempt % 10 == 0 {
                    logger.warning("\(body.name) to \(settings.coordinatorURL) failed: \(error); retrying with backoff")
                }
            }
            attempt += 1
            try await Task.sleep(for: backoff(attempt: attempt))
        }
    }

    /// Exponential backoff with a cap and ±50 % jitter.
    func backoff(attempt: Int) -> Duration {
        let minimum = Double(settings.backoffMinimum.components.seconds)
            + Double(settings.backoffMinimum.components.attoseconds) / 1e18
        let maximum = Double(settings.backoffMaximum.components.seconds)
            + Double(settings.backoffMaximum.components.attoseconds) / 1e18
        let base = min(maximum, minimum * pow(2, Double(min(attempt - 1, 20))))
        let jittered = base * Double.random(in: 0.5...1.5)
        return .milliseconds(Int(max(jittered, 0.001) * 1000))
    }
}
