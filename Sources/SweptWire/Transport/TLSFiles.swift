import CNNG

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Certificate files for `tls+tcp://` endpoints (PEM).
///
/// A server needs `certificateFile` and `keyFile`; a client that checks the server needs `caFile` and usually
/// `serverName` (the name in the server's certificate). Setting `caFile` on a server asks clients for
/// certificates (mutual TLS).
public struct TLSFiles: Sendable, Equatable {
    /// Our certificate chain (PEM).
    public var certificateFile: String?
    /// The private key of `certificateFile` (PEM); may be the same file.
    public var keyFile: String?
    /// Certificates that sign the peer's certificate (PEM).
    public var caFile: String?
    /// The name the server's certificate must carry (clients only).
    public var serverName: String?
    /// Whether the peer must present a valid certificate; `nil` means nng's default (clients: required,
    /// servers: required when `caFile` is set, otherwise none).
    public var verifyPeer: Bool?

    /// Creates a TLS file set.
    public init(
        certificateFile: String? = nil,
        keyFile: String? = nil,
        caFile: String? = nil,
        serverName: String? = nil,
        verifyPeer: Bool? = nil
    ) {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.caFile = caFile
        self.serverName = serverName
        self.verifyPeer = verifyPeer
    }

    /// Builds an nng TLS configuration (the caller frees it with `nng_tls_config_free`).
    func makeConfig(server: Bool) throws -> OpaquePointer {
        var raw: OpaquePointer?
        let mode = server ? NNG_TLS_MODE_SERVER : NNG_TLS_MODE_CLIENT
        try check(nng_tls_config_alloc(&raw, mode), "allocate a TLS configuration")
        guard let config = raw else {
            throw TransportError(code: Int32(NNG_ENOMEM.rawValue), operation: "allocate a TLS configuration")
        }
        do {
            if let certificateFile {
                let certificate = try readPEM(certificateFile, field: "certificateFile")
                let key = try readPEM(keyFile ?? certificateFile, field: "keyFile")
                try check(
                    nng_tls_config_own_cert(config, certificate, key, nil),
                    "load TLS certificate \(certificateFile) with key \(keyFile ?? certificateFile)")
            } else if server {
                throw TLSFilesError(field: "certificateFile", path: "", reason: "a TLS server needs a certificate")
            }
            if let caFile {
                try check(nng_tls_config_ca_file(config, caFile), "load TLS CA file \(caFile)")
            }
            if let serverName, !server {
                try check(nng_tls_config_server_name(config, serverName), "set TLS server name \(serverName)")
            }
            let verify = verifyPeer ?? (server ? caFile != nil : true)
            let auth = verify ? NNG_TLS_AUTH_MODE_REQUIRED : NNG_TLS_AUTH_MODE_NONE
            try check(nng_tls_config_auth_mode(config, auth), "set TLS authentication mode")
        } catch {
            nng_tls_config_free(config)
            throw error
        }
        return config
    }

    private func readPEM(_ path: String, field: String) throws -> String {
        guard let file = fopen(path, "rb") else {
            throw TLSFilesError(field: field, path: path, reason: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, 4096, file) }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > 1 << 20 {
                throw TLSFilesError(field: field, path: path, reason: "larger than 1 MiB; expected a PEM file")
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self), text.contains("-----BEGIN") else {
            throw TLSFilesError(field: field, path: path, reason: "expected PEM text with a -----BEGIN line")
        }
        return text
    }
}

/// A TLS file that could not be used.
public struct TLSFilesError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The `TLSFiles` field that named the file.
    public let field: String
    /// The file path.
    public let path: String
    /// What went wrong and what was expected.
    public let reason: String

    public var description: String { "TLS \(field) '\(path)': \(reason)" }
}
