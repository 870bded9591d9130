import Foundation
import SweptConfig
import Testing

@Suite("Every example in study-configs/ parses")
struct StudyConfigsDirectoryTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("study-configs")

    static let files: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
    }()

    @Test func theFourDocumentedExamplesExist() {
        for name in ["fashion-mlp-tpe.yaml", "fashion-softmax-grid.yaml", "branin-random.yaml", "command-python.yaml"] {
            #expect(Self.files.contains(name), "missing study-configs/\(name)")
        }
    }

    @Test(arguments: files)
    func exampleParses(_ name: String) throws {
        let path = Self.directory.appendingPathComponent(name).path
        let config = try StudyConfigParser.load(path: path)
        #expect(!config.space.parameters.isEmpty)
        _ = try StudyFactory.makePruner(config.pruner, file: path)
        if case .command(let command) = config.objective {
            // The program's script exists relative to the config's directory.
            let script = try #require(command.argv.last)
            let workdir = try #require(command.workingDirectory)
            #expect(FileManager.default.fileExists(atPath: workdir + "/" + script), "\(script) in \(workdir)")
        }
    }

    @Test func flagshipFitsTheThirtyMinuteBudget() throws {
        let path = Self.directory.appendingPathComponent("fashion-mlp-tpe.yaml").path
        let config = try StudyConfigParser.load(path: path)
        #expect(config.budget.timeout.map { $0 <= 1800 } == true)
        #expect(config.budget.parallel == 2)
        #expect(config.data?.validationFraction ?? 0 > 0)
    }
}
