import Crypto
import Foundation

/// The key every case's own key is wrapped with, kept in a file outside the database (`RSO_MASTER_KEY_FILE`), so
/// that a copy of the database (a `pg_dump`, a stolen SQLite file, a backup) holds no personal data in clear.
///
/// The file holds 32 random bytes in base64 on one line, as `openssl rand -base64 32` writes them. Two keys are
/// derived from it, each for one use: one wraps case keys, one computes the blind index that finds a case by an
/// exact personal value without storing the value.
public struct MasterKey: Sendable {
    let wrapping: SymmetricKey
    /// The blind-index HMAC, keyed once: keying it costs two SHA-256 blocks, which every value sealed paid again.
    let blindIndex: HMAC<SHA256>
    /// Names the key without revealing it, so that "not the key these cases were sealed with" can say which is which.
    public let id: String

    public init(bytes: Data) throws(WorkflowError) {
        guard bytes.count == 32 else {
            throw WorkflowError(.configuration, "a master key is 32 bytes, this one is \(bytes.count): make one with openssl rand -base64 32")
        }
        let master = SymmetricKey(data: bytes)
        wrapping = Self.derive(master, "rso-case-key-wrapping-1")
        blindIndex = HMAC(key: Self.derive(master, "rso-blind-index-1"))
        id = Self.derive(master, "rso-master-key-id-1").withUnsafeBytes { Data($0.prefix(4)) }.hex
    }

    private static func derive(_ master: SymmetricKey, _ purpose: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: master, info: Data(purpose.utf8), outputByteCount: 32)
    }

    /// The key in `path`. A file others may read is refused: it would open every case.
    public static func load(from path: String) throws(WorkflowError) -> MasterKey {
        let attributes: [FileAttributeKey: Any]
        do { attributes = try FileManager.default.attributesOfItem(atPath: path) } catch {
            throw WorkflowError(.configuration, "master key file \(path) cannot be read: it does not exist or is not accessible; point RSO_MASTER_KEY_FILE at the key this database's cases were sealed with")
        }
        if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw WorkflowError(.configuration, "master key file \(path) may be read by others (mode \(String(mode, radix: 8))): chmod 600 \(path)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WorkflowError(.configuration, "master key file \(path) cannot be read: check its owner and mode (600)")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let bytes = Data(base64Encoded: text) else {
            throw WorkflowError(.configuration, "master key file \(path) does not hold a key in base64: make one with openssl rand -base64 32 > \(path)")
        }
        return try MasterKey(bytes: bytes)
    }

    /// A new random key written to `path` (mode 0600), failing if the file already exists rather than replacing a key
    /// that sealed cases.
    public static func create(at path: String) throws(WorkflowError) -> MasterKey {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw WorkflowError(.configuration, "cannot create master key file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let text = Array((bytes.base64EncodedString() + "\n").utf8)
        guard write(descriptor, text, text.count) == text.count, fsync(descriptor) == 0 else {
            throw WorkflowError(.configuration, "cannot write master key file \(path): \(String(cString: strerror(errno)))")
        }
        return try MasterKey(bytes: bytes)
    }
}

extension Sequence<UInt8> {
    /// Lowercase hexadecimal (digests, key names, blind indexes).
    package var hex: String {
        withContiguousStorageIfAvailable(Self.hex) ?? Array(self).withUnsafeBufferPointer(Self.hex)
    }

    private static func hex(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { text in
            for (index, byte) in bytes.enumerated() {
                text[2 * index] = hexDigits[Int(byte >> 4)]
                text[2 * index + 1] = hexDigits[Int(byte & 0x0f)]
            }
            return bytes.count * 2
        }
    }
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

extension UUID {
    /// `0189f7a2-5b3c-7d10-8e00-1a2b3c4d5e6f`: lowercase, as PostgreSQL prints a uuid and as the history chain and
    /// every output spell an id. Written directly: `uuidString` formats through `sprintf`, three times per imported case.
    package var lowercasedString: String {
        withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { text in
                var end = 0
                for (index, byte) in bytes.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        text[end] = UInt8(ascii: "-")
                        end += 1
                    }
                    text[end] = hexDigits[Int(byte >> 4)]
                    text[end + 1] = hexDigits[Int(byte & 0x0f)]
                    end += 2
                }
                return end
            }
        }
    }
}
