import Foundation

/// Field values as JSON text, written directly rather than through `JSONEncoder`: a bulk import
/// writes two documents per case, and the encoder would take much of its time.
///
/// The document `JSONEncoder` writes with sorted keys and unescaped slashes, non-ASCII as UTF-8 (control characters
/// other than tab, newline and return as `\u00XX`); `JSONCoding` writes every `JSONValue` with it.
package enum BulkJSON {
    package static func string(_ fields: FieldValues) -> String {
        String(decoding: bytes(.object(fields)), as: UTF8.self)
    }

    package static func bytes(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        write(value, into: &out)
        return out
    }

    static func write(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null: out += "null".utf8
        case .bool(let flag): out += (flag ? "true" : "false").utf8
        case .int(let number): out += String(number).utf8
        case .decimal(let number): out += number.description.utf8
        case .string(let text): write(text, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members): write(members: members.sorted(by: { $0.key < $1.key }), into: &out)
        }
    }

    /// An object whose members come in the order given (sorted by the caller): a log line, a case. An array, not any
    /// sequence: a generic function called from another module runs unspecialised, which cost a log line twice.
    package static func write(members: [(key: String, value: JSONValue)], into out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (index, member) in members.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            write(member.key, into: &out)
            out.append(UInt8(ascii: ":"))
            write(member.value, into: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    private static let hex = Array("0123456789abcdef".utf8)

    private static func write(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most texts (sealed values, names, codes) need no escape: copied whole.
        var text = text
        let copied = text.withUTF8 { bytes in
            guard !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if copied {
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += #"\""#.utf8
            case UInt8(ascii: "\\"): out += #"\\"#.utf8
            case UInt8(ascii: "\n"): out += #"\n"#.utf8
            case UInt8(ascii: "\r"): out += #"\r"#.utf8
            case UInt8(ascii: "\t"): out += #"\t"#.utf8
            case 0..<0x20: out += #"\u00"#.utf8 + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
