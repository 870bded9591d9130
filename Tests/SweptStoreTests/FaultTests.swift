import Foundation
import GRDB
@testable import SweptStore
import SweptTuning
import Testing

@Suite("Faults: damaged files, read-only directory, full disk, a killed writer")
struct FaultTests {
    let dir = TempDir()

    /// A closed store holding one study with a few complete trials.
    func seededStore(_ name: String = "swept.db") async throws -> String {
        let store = try makeStore(dir, name: name)
        let s = try await store.createStudy(named: "s")
        for i in 0..<50 {
            try await store.addTrial(FrozenTrial(number: 0, state: .complete, values: [Double(i)],
                                                 intermediateValues: [0: 1, 1: 2]), to: s.id)
        }
        try await store.close()
        return dir.file(name)
    }

    @Test("a file that is not SQLite is refused and left untouched")
    func notSQLite() throws {
        let path = dir.file("notes.db")
        let text = String(repeating: "these are my notes, not a database\n", count: 200)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect { try StudyStore.open(at: path) } throws: {
            ($0 as? StoreError)?.code == .notADatabase && "\($0)".contains(path)
        }
        #expect { try StudyStore.open(at: path, options: .reader) } throws: { ($0 as? StoreError)?.code == .notADatabase }
        #expect(String(decoding: fileBytes(path), as: UTF8.self) == text)
    }

    @Test("a truncated store is refused with the sizes named and left untouched")
    func truncated() async throws {
        let path = try await seededStore()
        let full = fileBytes(path)
        let cut = full.prefix(full.count / 2 + 100)
        try cut.write(to: URL(fileURLWithPath: path))
        #expect { try StudyStore.open(at: path) } throws: { error in
            let e = error as? StoreError
            return e?.code == .corrupt && e?.message.contains("truncated") == true
        }
        #expect(fileBytes(path) == cut)
    }

    @Test("a store with garbage pages fails with a corruption error, not a crash or an empty study")
    func corruptPages() async throws {
        let path = try await seededStore()
        var bytes = fileBytes(path)
        let pageSize = 4096
        for i in (2 * pageSize)..<bytes.count { bytes[i] = UInt8(truncatingIfNeeded: i &* 2_654_435_761 >> 7) }
        try bytes.write(to: URL(fileURLWithPath: path))
        do {
            let store = try StudyStore.open(at: path, options: .reader)
            defer { Task { try? await store.close() } }
            let study = try #require(try store.study(named: "s"))
            _ = try store.trials(in: study.id)
            Issue.record("reading a corrupt store succeeded")
        } catch let error as StoreError {
            #expect([.corrupt, .notADatabase, .invalidValue, .incompatibleSchema].contains(error.code), "\(error)")
            #expect(error.message.contains(path))
        }
        #expect(fileBytes(path) == bytes)
    }

    @Test("a read-only directory gives a clear error and keeps existing data")
    func readOnlyDirectory() async throws {
        let path = try await seededStore()
        let before = fileBytes(path)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: dir.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.path) }
        // Root ignores permissions, so the attempt runs as an unprivileged user in a child process.
        let message: String
        if getuid() == 0 {
            let result = try runProcess(try writerToolPath(), ["open", path, "--uid", "65534"])
            #expect(result.status != 0)
            message = result.stdout
        } else {
            do {
                _ = try StudyStore.open(at: path)
                message = "opened"
            } catch {
                message = "\(error)"
            }
        }
        #expect(message.contains("writable") || message.contains("cannot"), "\(message)")
        #expect(message.hasPrefix("error:") || getuid() != 0)
        #expect(fileBytes(path) == before)
        let reader = try StudyStore.open(at: path, options: .reader)
        #expect(try reader.trialCounts(in: StudyID(rawValue: 1)) == [.complete: 50])
        try await reader.close()
    }

    @Test("a full disk (file-size limit) fails the write clearly; every acknowledged trial survives")
    func fullDisk() async throws {
        let path = dir.file("full.db")
        let result = try runProcess(try writerToolPath(), ["fill", path, "--fsize", "\(2 * 1024 * 1024)"])
        #expect(result.status != 0)
        let lines = result.stdout.split(separator: "\n")
        let error = lines.last.map(String.init) ?? ""
        #expect(error.hasPrefix("error:") && (error.contains("disk full") || error.contains("I/O error")), "\(error)")
        let acked = lines.filter { $0.hasPrefix("added ") }.compactMap { Int64($0.dropFirst(6)) }
        #expect(acked.count > 10)
        let store = try makeStore(dir, name: "full.db")
        for id in acked {
            let trial = try store.trial(TrialID(rawValue: id)).trial
            #expect(trial.state == .complete && trial.params.count == 5 && trial.intermediateValues.count == 5)
        }
        try await store.close()
        try expectIntegrity(path)
    }

    @Test("SIGKILL during a burst of group commits loses no acknowledged write and leaves no partial one")
    func killedWriter() async throws {
        let path = dir.file("burst.db")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try writerToolPath())
        process.arguments = ["burst", path, "--tasks", "16"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        var text = ""
        while text.split(separator: "\n").count < 400 {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        text += String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        var acked: [String: [Int64]] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let id = Int64(parts[1]) { acked[String(parts[0]), default: []].append(id) }
        }
        #expect((acked["added"]?.count ?? 0) > 10)

        let store = try makeStore(dir, name: "burst.db")
        let study = try #require(try store.study(named: "burst"))
        let trials = Dictionary(uniqueKeysWithValues: try store.trials(in: study.id).map { ($0.ref.id.rawValue, $0.trial) })
        for id in acked["created"] ?? [] { #expect(trials[id] != nil, "acknowledged trial \(id) lost") }
        for id in acked["reported"] ?? [] { #expect(trials[id]?.intermediateValues.count == 5, "reports of \(id) lost") }
        for id in acked["finished"] ?? [] { #expect(trials[id]?.state == .complete, "finish of \(id) lost") }
        for id in acked["added"] ?? [] { #expect(trials[id]?.state == .complete, "added trial \(id) lost") }
        for (id, trial) in trials {
            #expect([0, 5].contains(trial.intermediateValues.count), "trial \(id) has a partial report batch")
            if trial.userAttributes["kind"] == .string("added") {
                #expect(trial.state == .complete && trial.params.count == 5 && trial.intermediateValues.count == 5
                        && trial.values?.count == 1, "trial \(id) was written partially")
            }
        }
        #expect(trials.keys.sorted() == Array(trials.keys).sorted())
        let numbers = trials.values.map(\.number).sorted()
        #expect(numbers == Array(0..<numbers.count), "trial numbers have gaps or repeats")
        try await store.close()
        try expectIntegrity(path)
    }

    func expectIntegrity(_ path: String) throws {
        let queue = try DatabaseQueue(path: path)
        #expect(try queue.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") } == ["ok"])
        try queue.close()
    }
}
