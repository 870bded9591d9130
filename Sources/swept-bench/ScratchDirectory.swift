import Foundation

/// A fresh directory under the system's temporary directory for one measurement's files; `remove()` deletes it.
struct ScratchDirectory {
    let path: String

    /// Creates `swept-bench-<name>-<random>` in the temporary directory.
    init(_ name: String) throws {
        path = NSTemporaryDirectory() + "swept-bench-\(name)-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// A path inside the directory.
    func file(_ name: String) -> String { path + "/" + name }

    /// Deletes the directory and everything in it.
    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
