import Foundation
import NIOSSL
import PostgresNIO
import WorkflowEngine

/// libpq's `sslmode`: whether the connection is encrypted, and what of the server's certificate is checked.
public enum SSLMode: String, Sendable, CaseIterable {
    /// Never TLS.
    case disable
    /// libpq tries plaintext first; rsoctl tries TLS first (as `prefer`), which is never weaker.
    case allow
    /// TLS if the server offers it, else plaintext; the certificate is not checked (unless a CA is given).
    case prefer
    /// TLS or no connection; the certificate is not checked, unless a CA is given: then as `verify-ca` (libpq's rule).
    case require
    /// TLS, and the server's certificate must be signed by the CA (`sslrootcert`).
    case verifyCA = "verify-ca"
    /// As `verify-ca`, and the certificate must name the host connected to.
    case verifyFull = "verify-full"
}

/// The TLS settings of a connection, read from the URL's `sslmode`, `sslrootcert`, `sslcert` and `sslkey`, else
/// libpq's variables (`PGSSLMODE`, `PGSSLROOTCERT`, `PGSSLCERT`, `PGSSLKEY`), else libpq's files under
/// `~/.postgresql/` (`root.crt`, `postgresql.crt`, `postgresql.key`), used when they exist.
///
/// Every file is read here, once: a missing or unreadable one is a usage error (64) before anything is sent.
struct PostgresTLS: Sendable {
    let mode: SSLMode
    /// Where the trusted CA certificates come from, as a person would name it (a path, or the system's store); nil when
    /// the server's certificate is not checked.
    let trustedCAs: String?
    /// The server's certificate names the host connected to (`verify-full`).
    let checksHostName: Bool
    /// nil when TLS is not attempted.
    let configuration: TLSConfiguration?
    let context: NIOSSLContext?

    static let acceptedModes = SSLMode.allCases.map(\.rawValue).joined(separator: ", ")

    /// `parameter` reads a URL parameter, else its libpq variable.
    init(parameter: (String, String) -> String?, isLoopback: Bool, isSocket: Bool, home: String?) throws(WorkflowError) {
        let root = parameter("sslrootcert", "PGSSLROOTCERT")
        var mode: SSLMode
        if let text = parameter("sslmode", "PGSSLMODE") {
            guard let given = SSLMode(rawValue: text) else {
                throw WorkflowError(.usage, "sslmode=\(text.prefix(20)) is not known; accepted: \(Self.acceptedModes)")
            }
            mode = given
        } else if root == "system" {
            mode = .verifyFull  // libpq 16: the system's CAs vouch for any name, so the name must be checked
        } else {
            // Traffic to a Unix socket or a loopback address never leaves the machine: it is not encrypted unless asked
            // (which also spares every command a handshake). Anything else is encrypted when the server offers TLS.
            mode = isSocket || isLoopback ? .disable : .prefer
        }
        if isSocket, mode != .disable {
            // PostgreSQL speaks TLS over TCP only: over a socket the promise of require or verify-* could not be kept.
            guard mode == .prefer || mode == .allow else {
                throw WorkflowError(.usage, "sslmode=\(mode.rawValue) cannot be kept over a Unix socket (?host=/…): PostgreSQL uses TLS over TCP only; accepted: a host name with sslmode=\(mode.rawValue), or sslmode=disable over the socket")
            }
            mode = .disable
        }
        self.mode = mode
        if mode == .disable {
            trustedCAs = nil; checksHostName = false; configuration = nil; context = nil
            return
        }

        let defaults = home.map { "\($0)/.postgresql" }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12  // libpq's default ssl_min_protocol_version
        var trusted: String?
        if root == "system" {
            guard mode == .verifyFull else {
                throw WorkflowError(.usage, "sslrootcert=system trusts any name a public CA vouches for: it needs sslmode=verify-full (as libpq)")
            }
            tls.trustRoots = .default
            trusted = "the system's trusted CAs"
        } else if let path = root ?? defaults.map({ "\($0)/root.crt" }).flatMap({ FileManager.default.fileExists(atPath: $0) ? $0 : nil }) {
            tls.trustRoots = .certificates(try Self.certificates(path, named: "sslrootcert"))
            trusted = path
        }
        if trusted == nil, mode == .verifyCA || mode == .verifyFull {
            throw WorkflowError(.usage, "sslmode=\(mode.rawValue) checks the server's certificate against a CA's: give it with sslrootcert=PATH (PEM), put it in ~/.postgresql/root.crt, or use sslrootcert=system for the system's trusted CAs")
        }
        // libpq's rule: with a CA's certificate at hand, require (and prefer) check the chain too.
        checksHostName = mode == .verifyFull
        tls.certificateVerification = trusted == nil ? .none : checksHostName ? .fullVerification : .noHostnameVerification
        trustedCAs = trusted

        let certificate = parameter("sslcert", "PGSSLCERT")
            ?? defaults.map { "\($0)/postgresql.crt" }.flatMap { FileManager.default.fileExists(atPath: $0) ? $0 : nil }
        if let certificate {
            tls.certificateChain = try Self.certificates(certificate, named: "sslcert").map { .certificate($0) }
            guard let key = parameter("sslkey", "PGSSLKEY") ?? defaults.map({ "\($0)/postgresql.key" }) else {
                throw WorkflowError(.usage, "sslcert=\(certificate) needs its private key: sslkey=PATH")
            }
            tls.privateKey = .privateKey(try Self.privateKey(key))
        } else if let key = parameter("sslkey", "PGSSLKEY") {
            throw WorkflowError(.usage, "sslkey=\(key) was given without its certificate: add sslcert=PATH")
        }
        configuration = tls
        do {
            context = try NIOSSLContext(configuration: tls)
        } catch {
            throw WorkflowError(.usage, "the TLS settings (sslrootcert, sslcert, sslkey) could not be used together: \(error)")
        }
    }

    /// TLS as the single connection (the probe) takes it.
    var connectionTLS: PostgresConnection.Configuration.TLS {
        guard let context else { return .disable }
        return mode == .prefer || mode == .allow ? .prefer(context) : .require(context)
    }

    /// TLS as the pool takes it.
    var clientTLS: PostgresClient.Configuration.TLS {
        guard let configuration else { return .disable }
        return mode == .prefer || mode == .allow ? .prefer(configuration) : .require(configuration)
    }

    private static func certificates(_ path: String, named name: String) throws(WorkflowError) -> [NIOSSLCertificate] {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw WorkflowError(.usage, "\(name)=\(path): no readable file there; accepted: the path of a PEM certificate file")
        }
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw WorkflowError(.usage, "\(name)=\(path) is not a PEM certificate file (-----BEGIN CERTIFICATE-----)")
        }
        guard !certificates.isEmpty else {
            throw WorkflowError(.usage, "\(name)=\(path) holds no certificate; accepted: a PEM certificate file")
        }
        return certificates
    }

    /// libpq's rule: a private key others can read is refused (0600, or 0640 when root owns it).
    private static func privateKey(_ path: String) throws(WorkflowError) -> NIOSSLPrivateKey {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              FileManager.default.isReadableFile(atPath: path) else {
            throw WorkflowError(.usage, "sslkey=\(path): no readable file there; accepted: the path of a PEM private key file")
        }
        let permissions = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0o777
        let ownedByRoot = (attributes[.ownerAccountID] as? NSNumber)?.intValue == 0
        guard permissions & (ownedByRoot ? 0o037 : 0o077) == 0 else {
            throw WorkflowError(.usage, "sslkey=\(path) can be read by others (mode \(String(permissions, radix: 8))): chmod 0600 it")
        }
        do {
            return try NIOSSLPrivateKey(file: path, format: .pem)
        } catch {
            throw WorkflowError(.usage, "sslkey=\(path) is not an unencrypted PEM private key")
        }
    }
}
