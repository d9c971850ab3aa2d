/// A stable digest of a request, so a retried idempotency key can be told from a reused one.
enum RequestFingerprint {
    static func of(_ parts: [String], fields: FieldValues) -> String {
        let canonical = (parts + [JSONCoding.string(fields)]).joined(separator: "\u{1F}")
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a, 64 bit
        for byte in canonical.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return String(hash, radix: 16)
    }
}
