// swept-store-writer: a fault-injection helper for SweptStore's tests. It writes through a real store in its own
// process so that tests can kill it, limit its file size, or run it as another user, and then inspect the file.
//
//   swept-store-writer burst PATH [--tasks N]   concurrent group commits until killed; prints one line per
//                                              acknowledged write: "created ID", "reported ID", "finished ID",
//                                              "added ID" (a whole trial in one transaction)
//   swept-store-writer hold PATH                open for writing, print "ready PID", sleep until killed
//   swept-store-writer open PATH [--uid N]      open for writing (as user N), print "opened" or "error: MESSAGE"
//   swept-store-writer fill PATH --fsize BYTES  write trials under RLIMIT_FSIZE until a write fails; prints
//                                              "added ID" per acknowledged trial, then "error: MESSAGE"
#if canImport(Glibc)
import Glibc
#endif
import SweptStore
import SweptTuning

/// Writes a line to stdout unbuffered, so a test reading the pipe sees every acknowledgement before a kill.
func say(_ line: String) {
    let text = line + "\n"
    _ = text.withCString { write(1, $0, strlen($0)) }
}

func fail(_ message: String) -> Never {
    say("error: \(message)")
    exit(1)
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 2 else {
    fail("usage: swept-store-writer burst|hold|open|fill PATH [--tasks N] [--uid N] [--fsize BYTES]")
}
let mode = arguments[0]
let path = arguments[1]
func option(_ name: String) -> Int? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    return Int(arguments[i + 1])
}

/// A complete 5-parameter trial with 5 intermediate values, as the benchmark and the kill test write it.
func sampleTrial(_ seed: Int) throws -> FrozenTrial {
    let x = Double(seed % 1000) / 1000
    var params: [String: ParamValue] = [:]
    var distributions: [String: Distribution] = [:]
    for i in 0..<3 {
        params["x\(i)"] = .float(x - Double(i) / 10)
        distributions["x\(i)"] = .float(try FloatDistribution(low: -5, high: 5))
    }
    params["n"] = .int(1 + seed % 256)
    distributions["n"] = .int(try IntDistribution(low: 1, high: 256, log: true))
    params["act"] = .string(["relu", "tanh", "gelu"][seed % 3])
    distributions["act"] = .categorical(try CategoricalDistribution(choices: ["relu", "tanh", "gelu"]))
    var steps: [Int: Double] = [:]
    for step in 0..<5 { steps[step] = x / Double(step + 1) }
    return FrozenTrial(number: 0, state: .complete, values: [x], params: params, distributions: distributions,
                       intermediateValues: steps, userAttributes: ["kind": .string("added")],
                       startedAt: 1_800_000_000, completedAt: 1_800_000_001)
}

func studyID(_ store: StudyStore) async throws -> StudyID {
    if let study = try store.study(named: "burst") { return study.id }
    return try await store.createStudy(named: "burst").id
}

switch mode {
case "hold":
    do {
        let store = try StudyStore.open(at: path)
        say("ready \(getpid())")
        withExtendedLifetime(store) {
            while true { sleep(60) }
        }
    } catch { fail("\(error)") }

case "open":
    if let uid = option("--uid") {
        guard setgid(gid_t(uid)) == 0, setuid(uid_t(uid)) == 0 else { fail("cannot switch to uid \(uid)") }
    }
    do {
        let store = try StudyStore.open(at: path)
        let study = try await studyID(store)
        _ = try await store.addTrial(try sampleTrial(1), to: study)
        try await store.close()
        say("opened")
    } catch { fail("\(error)") }

case "fill":
    signal(SIGXFSZ, SIG_IGN)  // an over-limit write must fail with EFBIG, not kill the process
    if let limit = option("--fsize") {
        var rl = rlimit(rlim_cur: rlim_t(limit), rlim_max: rlim_t(limit))
        guard setrlimit(Int32(RLIMIT_FSIZE.rawValue), &rl) == 0 else { fail("cannot set RLIMIT_FSIZE") }
    }
    do {
        let store = try StudyStore.open(at: path)
        let study = try await studyID(store)
        var i = 0
        while true {
            i += 1
            let ref = try await store.addTrial(try sampleTrial(i), to: study)
            say("added \(ref.id.rawValue)")
        }
    } catch { fail("\(error)") }

case "burst":
    let tasks = option("--tasks") ?? 16
    do {
        let store = try StudyStore.open(at: path)
        let study = try await studyID(store)
        say("ready \(getpid())")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    var i = task
                    while true {
                        i += tasks
                        let ref = try await store.createTrial(in: study)
                        say("created \(ref.id.rawValue)")
                        try await store.reportIntermediates(ref.id, (0..<5).map { (step: $0, value: Double(i + $0)) })
                        say("reported \(ref.id.rawValue)")
                        try await store.finishTrial(ref.id, state: .complete, values: [Double(i)])
                        say("finished \(ref.id.rawValue)")
                        let added = try await store.addTrial(try sampleTrial(i), to: study)
                        say("added \(added.id.rawValue)")
                    }
                }
            }
            try await group.waitForAll()
        }
    } catch { fail("\(error)") }

default:
    fail("unknown mode '\(mode)'; expected burst, hold, open or fill")
}
