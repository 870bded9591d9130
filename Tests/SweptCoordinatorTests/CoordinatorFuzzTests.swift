import Foundation
import SweptCoordinator
import SweptStore
import SweptTuning
import SweptWire
import Testing

/// SplitMix64: a small deterministic generator so a failing fuzz run can be replayed from its seed.
struct FuzzRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random but well-formed requests, aimed at the trials and studies that exist so the handler's deeper paths run.
struct RequestGenerator {
    var random: FuzzRandom
    var trialIDs: [Int64]
    let studies = ["fuzz", "nope", "", String(repeating: "s", count: 300)]

    mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
    mutating func int(_ range: ClosedRange<Int64>) -> Int64 { Int64.random(in: range, using: &random) }

    mutating func double() -> Double {
        pick([0, -0.0, 1.5, -3, .nan, .infinity, -.infinity, .greatestFiniteMagnitude, Double.random(in: -1e6...1e6,
                                                                                                      using: &random)])
    }

    mutating func string() -> String {
        let length = Int(random.next() % 40)
        return String((0..<length).map { _ in pick(Array("ab☃\u{0}\n{}\":, ")) })
    }

    mutating func trialID() -> Int64 { random.next() % 4 == 0 ? int(-5...1_000_000) : pick(trialIDs) }

    mutating func body() -> RequestBody {
        switch random.next() % 12 {
        case 0:
            return .registerWorker(WorkerCapabilities(slots: UInt32(random.next() % 5), cores: 1, blasThreads: 1,
                                                      tags: [string()], hostname: string()))
        case 1:
            return .acquireTrial(AcquireTrial(slot: UInt32(random.next() % 3),
                                              study: random.next() % 2 == 0 ? nil : pick(studies), waitMillis: 0))
        case 2:
            return .reportIntermediate(IntermediateReport(trialID: trialID(), leaseEpoch: random.next() % 4,
                                                          step: pick([0, 1, 2, -1, .max, .min, int(0...100)]),
                                                          value: double()))
        case 3:
            let outcome: TrialOutcome = pick([.complete(values: [double()]), .complete(values: []),
                                              .complete(values: [1, 2]), .fail(reason: string()), .pruned])
            return .finishTrial(TrialFinish(trialID: trialID(), leaseEpoch: random.next() % 4, outcome: outcome,
                                            attributes: [TrialAttribute(key: string(), value: string())]))
        case 4:
            return .heartbeat(Heartbeat(leases: (0..<(random.next() % 4)).map { _ in
                TrialLease(trialID: trialID(), leaseEpoch: random.next() % 4)
            }))
        case 5:
            return .releaseTrial(TrialRelease(trialID: trialID(), leaseEpoch: random.next() % 4, reason: string()))
        case 6:
            let specs = [
                "{\"name\": \"\(string())\", \"space\": {\"x\": {\"float\": [\(double()), \(double())]}}}",
                "{\"name\": \"z\", \"space\": {\"x\": {\"int\": [5, 1]}}, \"budget\": {\"trials\": -1}}",
                "{\"name\": \"z\", \"space\": {\"c\": {\"categorical\": []}}}",
                string(),
            ]
            return .launchStudy(LaunchStudy(configText: pick(specs), format: random.next() % 5 == 0 ? .yaml : .json,
                                            sourceName: string(), resumeIfExists: random.next() % 2 == 0))
        case 7:
            return .status(StudyReference(study: random.next() % 2 == 0 ? nil : pick(studies)))
        case 8:
            return .trials(TrialsQuery(study: pick(studies), states: [], offset: UInt32(random.next() % 5),
                                       limit: UInt32(random.next() % 1000)))
        case 9:
            return .best(BestQuery(study: pick(studies), limit: UInt32(random.next() % 4)))
        case 10:
            return .stopStudy(StudyReference(study: random.next() % 50 == 0 ? "fuzz" : pick(["nope", string()])))
        default:
            return .enqueueTrial(EnqueueTrial(study: pick(studies), parameters: [
                TrialParameter(name: pick(["x", "n", string()]),
                               value: pick([.double(double()), .int(int(-5...5)), .string(string()), .bool(true)])),
            ], skipIfExists: random.next() % 2 == 0))
        }
    }
}

@Suite("Coordinator fuzzing")
struct CoordinatorFuzzTests {
    @Test("a million random, mutated and truncated messages: the decoder and the handler never crash")
    func fuzz() async throws {
        let total = Int(ProcessInfo.processInfo.environment["SWEPT_FUZZ_COUNT"] ?? "") ?? 1_000_000
        let h = try await Harness(settings: CoordinatorSettings(leaseTTLMillis: 200, heartbeatIntervalMillis: 50,
                                                                maxAcquireWaitMillis: 0, flapFailures: 1_000_000))
        try await h.launch("fuzz", trials: 1_000_000, maxRetries: 1)
        await h.register("fuzzer")
        var ids: [Int64] = []
        for _ in 0..<4 {
            if let assignment = await h.acquire("fuzzer") { ids.append(assignment.trialID) }
        }
        let codec = WireCodec(secret: harnessSecret, maxMessageSize: 4096)
        var generator = RequestGenerator(random: FuzzRandom(state: 0x5EED), trialIDs: ids)
        var decoded = 0
        var handled = 0
        var replies: [String: Int] = [:]
        // A pool of valid messages to mutate (signing each mutation's source once keeps a debug run short).
        var pool: [[UInt8]] = []
        for index in 0..<2_000 {
            let header = WireHeader(senderID: "fuzzer", incarnation: 1, requestID: UInt64(index + 1))
            pool.append(try codec.encode(WireRequest(header: header, body: generator.body())))
        }
        for index in 0..<total {
            let mode = index % 16
            var bytes: [UInt8]
            if mode == 0 {
                let header = WireHeader(senderID: generator.random.next() % 8 == 0 ? "w\(index % 7)" : "fuzzer",
                                        incarnation: generator.random.next() % 16 == 0 ? 2 : 1,
                                        requestID: UInt64(index + 10_000))
                bytes = try codec.encode(WireRequest(header: header, body: generator.body()))
            } else {
                bytes = generator.pick(pool)
            }
            switch mode {
            case 1...5:
                for _ in 0..<(1 + generator.random.next() % 3) {
                    bytes[Int(generator.random.next() % UInt64(bytes.count))] ^= UInt8(1 + generator.random.next() % 255)
                }
            case 6...9:
                bytes = Array(bytes.prefix(Int(generator.random.next() % UInt64(bytes.count))))
            case 10...13:
                var words = [UInt64](repeating: 0, count: 25)
                for slot in words.indices { words[slot] = generator.random.next() }
                let count = Int(generator.random.next() % 200)
                bytes = words.withUnsafeBytes { Array($0.prefix(count)) }
                if bytes.count > 2, generator.random.next() % 2 == 0 { bytes[0] = 0x53; bytes[1] = 0x57 }
            case 14:
                bytes += [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: Int(1 + generator.random.next() % 4_200))
            default:
                break
            }
            guard let message = try? codec.decodeRequest(bytes) else { continue }
            decoded += 1
            let reply = await h.coordinator.handle(message)
            handled += 1
            replies[reply.name, default: 0] += 1
        }
        // Fresh and intact pooled messages decode (2 in 16); mutated, truncated and random ones must not.
        #expect(decoded >= total / 8 - 1)
        #expect(decoded <= total / 8 + total / 1000 + 2)
        #expect(handled == decoded)
        // The handler exercised its refusal paths and its accepting paths.
        #expect(replies["error", default: 0] > 0)
        #expect(replies["verdict", default: 0] > 0)
        #expect(replies["status", default: 0] > 0)
        // Still serving and consistent: the study answers and its trials read back from the store.
        let status = await h.send(.status(StudyReference(study: "fuzz")), from: "cli")
        guard case .status(let cluster) = status else {
            Issue.record("status failed after fuzzing: \(status)")
            return
        }
        let stored = try await h.readTrials("fuzz")
        #expect(cluster.studies.first.map { Int($0.counts.complete) } == stored.filter { $0.trial.state == .complete }.count)
    }
}
