import Foundation
import WorkflowEngine

/// Where a connection's password comes from, first found wins:
///
/// 1. the URL's own (`postgres://user:PASSWORD@host/db`), as libpq;
/// 2. `RSO_DATABASE_PASSWORD_FILE`: the whole file, its trailing line break removed (a mounted secret; named for this
///    deployment, it goes before the generic variable that a shell may hold for another server);
/// 3. `PGPASSWORD`;
/// 4. the password file `PGPASSFILE`, else `~/.pgpass`: libpq's `host:port:database:user:password` lines, `*` matching
///    anything, `\:` and `\\` escapes, the first matching line wins. As libpq, a file that its group or others may read
///    (or that is not a regular file) is skipped; rsoctl prints no warning then, but says so if the server refuses.
///
/// An empty value counts as none. The password itself is never part of a message.
struct PostgresPassword: Sendable, CustomStringConvertible, CustomReflectable {
    /// The password, or nil to connect without one.
    let password: String?
    /// Where it came from, for messages: "the URL", "PGPASSWORD", "RSO_DATABASE_PASSWORD_FILE (/run/secrets/db)", a path.
    let source: String?
    /// A password file that was skipped, and why; said when the server refuses.
    let skipped: String?

    /// Where the password came from, never the password.
    var description: String { source.map { "a password from \($0)" } ?? "no password" }
    var customMirror: Mirror { Mirror(self, children: ["source": description]) }

    /// What the lookup needs to know of the connection.
    struct Target {
        var host: String
        var socketDirectory: String?
        var port: Int
        var database: String
        var username: String
    }

    init(url: String?, target: Target, environment: [String: String]) throws(WorkflowError) {
        if let url, !url.isEmpty {
            (password, source, skipped) = (url, "the URL", nil)
            return
        }
        if let path = environment["RSO_DATABASE_PASSWORD_FILE"], !path.isEmpty {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw WorkflowError(.usage, "RSO_DATABASE_PASSWORD_FILE names \(path), which cannot be read; accepted: the path of a file holding the password alone")
            }
            var text = String(decoding: data, as: UTF8.self)
            while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
            guard !text.isEmpty else {
                throw WorkflowError(.usage, "RSO_DATABASE_PASSWORD_FILE names \(path), which is empty; accepted: a file holding the password alone")
            }
            (password, source, skipped) = (text, "RSO_DATABASE_PASSWORD_FILE (\(path))", nil)
            return
        }
        if let value = environment["PGPASSWORD"], !value.isEmpty {
            (password, source, skipped) = (value, "PGPASSWORD", nil)
            return
        }
        let file = environment["PGPASSFILE"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["HOME"].flatMap { $0.isEmpty ? nil : "\($0)/.pgpass" }
        guard let file, let attributes = try? FileManager.default.attributesOfItem(atPath: file) else {
            (password, source, skipped) = (nil, nil, nil)
            return
        }
        let permissions = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0o777
        guard attributes[.type] as? FileAttributeType == .typeRegular, permissions & 0o077 == 0 else {
            (password, source, skipped) = (nil, nil, "\(file) was skipped: its group or others may read it (mode \(String(permissions, radix: 8))); chmod 0600 it, as libpq requires")
            return
        }
        let text = FileManager.default.contents(atPath: file).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let found = Self.lookUp(text, target)
        (password, source, skipped) = (found, found == nil ? nil : file, nil)
    }

    /// The password of the first line matching `target`, as libpq reads a password file.
    static func lookUp(_ text: String, _ target: Target) -> String? {
        // libpq names a socket connection by its directory, and the default directories by `localhost`.
        var hosts = [target.socketDirectory ?? target.host]
        if let directory = target.socketDirectory, ["/tmp", "/var/run/postgresql", "/run/postgresql"].contains(directory) {
            hosts.append("localhost")
        }
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            guard !line.hasPrefix("#") else { continue }
            let fields = Self.fields(line)
            guard fields.count == 5 else { continue }
            func matches(_ field: (text: String, any: Bool), _ values: [String]) -> Bool { field.any || values.contains(field.text) }
            if matches(fields[0], hosts), matches(fields[1], [String(target.port)]), matches(fields[2], [target.database]),
               matches(fields[3], [target.username]) {
                return fields[4].text.isEmpty ? nil : fields[4].text
            }
        }
        return nil
    }

    /// A line's five fields, escapes removed, each with whether it is the `*` wildcard (unescaped: `\*` is a star);
    /// the fifth takes the rest of the line, colons and all.
    private static func fields(_ line: Substring) -> [(text: String, any: Bool)] {
        var fields: [(text: String, any: Bool)] = []
        var current = ""
        var escapes = false
        var escaped = false
        for character in line {
            if escaped {
                current.append(character); escaped = false
            } else if character == "\\" {
                escaped = true; escapes = true
            } else if character == ":", fields.count < 4 {
                fields.append((current, current == "*" && !escapes)); current = ""; escapes = false
            } else {
                current.append(character)
            }
        }
        fields.append((current, false))
        return fields
    }
}
