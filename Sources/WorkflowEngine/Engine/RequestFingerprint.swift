/// A stable digest of a request, so a retried idempotency key can be told from a reused one.
///
/// The acting user is part of it: a key is one user's, and another user sending the same key and values gets a
/// refusal, never the first user's result (which their roles might not have allowed them to make).
enum RequestFingerprint {
    static func of(actor: String, _ parts: [String], fields: FieldValues) -> String {
        let canonical = ([actor] + parts + [JSONCoding.string(fields)]).joined(separator: "\u{1F}")
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a, 64 bit
        for byte in canonical.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return String(hash, radix: 16)
    }
}

/// The one rule for an idempotency key, whoever passes it (`--idempotency-key`, `Idempotency-Key`): 1 to 200
/// printable characters. An empty key would be one key shared by every request that sent an empty header.
public enum IdempotencyKey {
    public static let longest = 200

    public static func check(_ key: String?) throws(WorkflowError) {
        guard let key else { return }
        if key.isEmpty {
            throw WorkflowError(.usage, "the idempotency key is empty: give 1 to \(longest) printable characters, new for each new request, or none")
        }
        if let why = InputText.problem(key, lines: false, limit: longest) {
            throw WorkflowError(.usage, "the idempotency key \(why)")
        }
    }
}
