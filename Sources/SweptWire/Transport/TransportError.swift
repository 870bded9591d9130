import CNNG

/// An error reported by nng, naming the operation that failed.
public struct TransportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The nng error number (`NNG_ETIMEDOUT`, `NNG_ECLOSED`, …).
    public let code: Int32
    /// What was being done, e.g. `dial tcp://127.0.0.1:7600`.
    public let operation: String

    /// Creates an error for an nng result code.
    public init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
    }

    public var description: String {
        "\(operation) failed: \(String(cString: nng_strerror(code))) (nng error \(code))"
    }

    /// The operation ran past its timeout.
    public var isTimeout: Bool { code == Int32(NNG_ETIMEDOUT.rawValue) }
    /// The socket or context was closed.
    public var isClosed: Bool { code == Int32(NNG_ECLOSED.rawValue) }
    /// The operation was cancelled.
    public var isCancelled: Bool { code == Int32(NNG_ECANCELED.rawValue) }
}

/// Throws a `TransportError` when `result` is not zero.
@inline(__always)
func check(_ result: Int32, _ operation: @autoclosure () -> String) throws(TransportError) {
    if result != 0 { throw TransportError(code: result, operation: operation()) }
}

extension Duration {
    /// The duration in whole milliseconds as nng wants it, clamped to `1...Int32.max`.
    var nngMilliseconds: Int32 {
        let (seconds, attoseconds) = components
        let millis = seconds.multipliedReportingOverflow(by: 1000)
        if millis.overflow || seconds > Int64(Int32.max) { return Int32.max }
        let total = millis.partialValue &+ attoseconds / 1_000_000_000_000_000
        return Int32(clamping: max(total, 1))
    }
}
