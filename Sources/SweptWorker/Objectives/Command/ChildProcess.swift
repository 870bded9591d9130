#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A child process started with `posix_spawn` in its own process group, with pipes for stdin, stdout and stderr.
///
/// Signals go to the whole group, so a shell wrapper and the program it starts stop together.
final class ChildProcess: @unchecked Sendable {
    /// How a child ended.
    enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signaled(Int32)
    }

    /// Why a child could not be started.
    struct SpawnError: Error, CustomStringConvertible {
        let description: String
    }

    let pid: pid_t
    let stdinFD: Int32
    let stdoutFD: Int32
    let stderrFD: Int32
    private let lock = NSLock()
    private var reaped = false

    /// Starts `executable` with `arguments` (argv[0] included), `environment` and `workingDirectory`.
    init(executable: String, arguments: [String], environment: [String: String], workingDirectory: String?) throws {
        var stdinPipe: [Int32] = [-1, -1], stdoutPipe: [Int32] = [-1, -1], stderrPipe: [Int32] = [-1, -1]
        // Close-on-exec everywhere, so a child spawned concurrently by another trial inherits none of these
        // (an inherited write end would keep this child's stdout open past its exit).
        guard Self.closeOnExecPipe(&stdinPipe), Self.closeOnExecPipe(&stdoutPipe), Self.closeOnExecPipe(&stderrPipe)
        else {
            throw SpawnError(description: "cannot create pipes: \(String(cString: strerror(errno)))")
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2)
        for fd in [stdinPipe[0], stdoutPipe[1], stderrPipe[1]] { posix_spawn_file_actions_addclose(&actions, fd) }
        // Close every other descriptor in the child (sockets, database files, other trials' pipes), so a
        // long-running program holds nothing of the worker's open.
        if let addCloseFrom = Self.addCloseFrom { _ = addCloseFrom(&actions, 3) }
        if let workingDirectory {
            guard let addChdir = Self.addChdir else {
                throw SpawnError(description: "this C library cannot set a child's working directory")
            }
            _ = addChdir(&actions, workingDirectory)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGQUIT] { sigaddset(&defaults, signal) }
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        )

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var child: pid_t = 0
        var status = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        // ETXTBSY: a script just written is still open for writing in a process being forked elsewhere; retry.
        var attempts = 0
        while status == ETXTBSY, attempts < 50 {
            attempts += 1
            usleep(20_000)
            status = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        }
        for fd in [stdinPipe[0], stdoutPipe[1], stderrPipe[1]] { close(fd) }
        guard status == 0 else {
            for fd in [stdinPipe[1], stdoutPipe[0], stderrPipe[0]] { close(fd) }
            throw SpawnError(description: "cannot start '\(executable)': \(String(cString: strerror(status)))")
        }
        pid = child
        stdinFD = stdinPipe[1]
        stdoutFD = stdoutPipe[0]
        stderrFD = stderrPipe[0]
    }

    private typealias AddChdir = @convention(c) (
        UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>
    ) -> Int32

    /// glibc's `posix_spawn_file_actions_addchdir_np` (2.29+), which its Swift module map does not export.
    private static let addChdir: AddChdir? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np")
        else { return nil }
        return unsafeBitCast(symbol, to: AddChdir.self)
    }()

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+).
    private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
        else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32

    /// glibc's `pipe2`, also missing from the Swift module map.
    private static let pipe2: Pipe2? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pipe2") else { return nil }
        return unsafeBitCast(symbol, to: Pipe2.self)
    }()

    /// A pipe whose ends are close-on-exec (atomically with `pipe2`, else just after `pipe`).
    private static func closeOnExecPipe(_ fds: inout [Int32]) -> Bool {
        if let pipe2 {
            return fds.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return -1 }
                return pipe2(base, O_CLOEXEC)
            } == 0
        }
        guard pipe(&fds) == 0 else { return false }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return true
    }

    /// Sends `signal` to the child's process group (nothing once the child was reaped).
    func signalGroup(_ signal: Int32) {
        lock.lock()
        defer { lock.unlock() }
        guard !reaped else { return }
        kill(-pid, signal)
    }

    /// Blocks until the child ends and returns how; call it once, from a thread that may block.
    func waitForExit() -> Termination {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        lock.lock()
        reaped = true
        lock.unlock()
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros: decode the status word by hand.
        let signal = status & 0x7f
        if signal == 0 { return .exited((status >> 8) & 0xff) }
        return .signaled(signal)
    }

    /// Kills whatever is left of the child's process group (e.g. grandchildren after the child exited).
    func killLeftovers() {
        kill(-pid, SIGKILL)
    }

    /// Writes `data` to the child's stdin and closes it; a child that does not read gets EPIPE, not us a signal.
    func feedStdin(_ data: [UInt8]) {
        var offset = 0
        while offset < data.count {
            let written = data[offset...].withUnsafeBytes { write(stdinFD, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                break
            }
            offset += written
        }
        close(stdinFD)
    }

    /// The `PATH` lookup of `program` (a name with a slash is taken as a path relative to `directory`).
    static func resolve(_ program: String, path: String?, directory: String?) -> String? {
        let manager = FileManager.default
        if program.contains("/") {
            var full = program
            if let directory, !program.hasPrefix("/") { full = directory + "/" + program }
            return manager.isExecutableFile(atPath: full) ? full : nil
        }
        for entry in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(entry)/\(program)"
            if manager.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
