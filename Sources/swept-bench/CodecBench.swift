import SweptWire

#if canImport(Glibc)
import Glibc
#endif

/// Encode + sign + verify + decode cost per message, binary codec against JSON. Measured in thread CPU time, so
/// other processes on a shared machine do not inflate it.
enum CodecBench {
    static func lines(iterations: Int = 200_000) throws -> [String] {
        let secret = try WireSecret(bytes: Array("benchmark-cluster-secret-0123456789".utf8))
        let binary = WireCodec(secret: secret)
        let json = JSONWireCodec(secret: secret)
        let header = WireHeader(senderID: "node-a/worker-1", incarnation: 0x1234_5678_9ABC, requestID: 1)
        let report = WireRequest(
            header: header,
            body: .reportIntermediate(
                IntermediateReport(trialID: 42, leaseEpoch: 3, step: 7, value: 0.8125)))
        let assignment = WireReply(header: header, body: WireExamples.replies[1])
        var lines: [String] = []
        for (name, request) in [("reportIntermediate", report)] {
            lines.append(
                try measure("binary", name, iterations) {
                    try binary.decodeRequest(try binary.encode(request)).header.requestID
                } size: {
                    try binary.encode(request).count
                })
            lines.append(
                try measure("json", name, iterations / 4) {
                    try json.decode(WireRequest.self, from: try json.encode(request)).header.requestID
                } size: {
                    try json.encode(request).count
                })
        }
        lines.append(
            try measure("binary", "assigned", iterations) {
                try binary.decodeReply(try binary.encode(assignment)).header.requestID
            } size: {
                try binary.encode(assignment).count
            })
        lines.append(
            try measure("json", "assigned", iterations / 4) {
                try json.decode(WireReply.self, from: try json.encode(assignment)).header.requestID
            } size: {
                try json.encode(assignment).count
            })
        return lines
    }

    private static func measure(
        _ encoding: String, _ message: String, _ iterations: Int,
        _ roundTrip: () throws -> UInt64, size: () throws -> Int
    ) throws -> String {
        var sink: UInt64 = 0
        for _ in 0..<(iterations / 10) { sink &+= try roundTrip() }
        let start = threadCPUNanoseconds()
        for _ in 0..<iterations { sink &+= try roundTrip() }
        let nanoseconds = Double(threadCPUNanoseconds() &- start)
        let perMessage = Int((nanoseconds / Double(iterations)).rounded())
        precondition(sink != 0)
        return "codec encoding=\(encoding) message=\(message) bytes=\(try size()) ns_per_message=\(perMessage)"
    }

    private static func threadCPUNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }
}
