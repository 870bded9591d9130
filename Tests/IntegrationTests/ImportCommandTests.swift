import Foundation
import SweptStore
import SweptTuning
import Testing

/// `swept import` copies studies from another SQLite study file (Optuna's schema) into a store.
@Suite("swept import")
struct ImportCommandTests {
    @Test("a named study is copied trial by trial under a new name; the source is unchanged")
    func importsRenamedStudy() async throws {
        let source = try await QueryCommandTests.makeStore()
        let before = try Data(contentsOf: URL(fileURLWithPath: source))
        let target = source + "-target.db"
        let run = try QueryCommandTests.swept(["import", source, "--study", "fashion", "--as", "copy", "--store", target])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.stdout.contains("imported study 'fashion'"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: source)) == before)

        let reader = try StudyStore.open(at: target, options: StoreOptions(readOnly: true))
        let original = try StudyStore.open(at: source, options: StoreOptions(readOnly: true))
        let copied = try #require(try reader.study(named: "copy"))
        let from = try #require(try original.study(named: "fashion"))
        let copiedTrials = try reader.trials(in: copied.id).map(\.trial)
        let originalTrials = try original.trials(in: from.id).map(\.trial)
        #expect(copiedTrials.count == 6)
        #expect(copiedTrials.map(\.number) == originalTrials.map(\.number))
        #expect(copiedTrials.map(\.state) == originalTrials.map(\.state))
        #expect(copiedTrials.map(\.values) == originalTrials.map(\.values))
        #expect(copiedTrials.map(\.params) == originalTrials.map(\.params))
    }

    @Test("a file with several studies needs --study or --all; a taken name is refused with exit 1")
    func ambiguityAndDuplicatesAreUserErrors() async throws {
        let source = try await QueryCommandTests.makeStore()
        let target = source + "-target.db"
        let ambiguous = try QueryCommandTests.swept(["import", source, "--store", target])
        #expect(ambiguous.status == 1)
        #expect(ambiguous.stderr.contains("'fashion', 'pareto'"))

        let all = try QueryCommandTests.swept(["import", source, "--all", "--store", target])
        #expect(all.status == 0, "stderr: \(all.stderr)")
        let again = try QueryCommandTests.swept(["import", source, "--study", "pareto", "--store", target])
        #expect(again.status == 1)
        #expect(again.stderr.contains("already exists"))

        let missing = try QueryCommandTests.swept(["import", source + "-nothing.db", "--store", target])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("does not exist"))
    }
}
