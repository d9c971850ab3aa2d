import Foundation
import TOMLKit
import WorkflowEngine

/// Defaults set once, as `temporal env` keeps them: a TOML file holding `database_url` and `actor`.
///
/// ```toml
/// database_url = "postgres://rso@db.example.org:5432/rso"
/// actor = "amina.caseworker"
/// ```
///
/// The file is `$RSO_CONFIG` when set (it must then exist), else `$XDG_CONFIG_HOME/rso-workflow/config.toml`, else
/// `~/.config/rso-workflow/config.toml`; none there means no defaults. A flag beats its environment variable, which
/// beats the file, which beats the built-in default. A file that is not TOML, holds a key not listed in `keys` or a
/// value that is not a string is refused with 64 (usage: the set-up is wrong, as with a bad option), naming the file,
/// the line and the key.
struct ConfigFile: Sendable {
    static let keys = ["database_url", "actor"]

    /// Where the file is or would be.
    let path: String
    var databaseURL: String?
    var actor: String?

    /// The defaults of this process, read once (`Entry` refuses a malformed file before any command runs).
    static let current: Result<ConfigFile, WorkflowError> = Result { () throws(WorkflowError) in
        try load(environment: ProcessInfo.processInfo.environment)
    }

    /// The file's location for `environment`, and whether it was named by RSO_CONFIG.
    static func location(environment: [String: String]) -> (path: String, named: Bool) {
        if let named = environment["RSO_CONFIG"], !named.isEmpty { return (named, true) }
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()) + "/.config")
        return (base + "/rso-workflow/config.toml", false)
    }

    static func load(environment: [String: String]) throws(WorkflowError) -> ConfigFile {
        let (path, named) = location(environment: environment)
        var config = ConfigFile(path: path)
        guard FileManager.default.fileExists(atPath: path) else {
            if named { throw WorkflowError(.usage, "config file \(path) (RSO_CONFIG) does not exist: create it, or unset RSO_CONFIG for the default \(location(environment: environment.filter { $0.key != "RSO_CONFIG" }).path)") }
            return config
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw WorkflowError(.usage, "config file \(path) cannot be read as UTF-8 text: check its permissions and encoding")
        }
        try config.read(text)
        return config
    }

    /// Reads `text` (the file's content) into the defaults.
    mutating func read(_ text: String) throws(WorkflowError) {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw WorkflowError(.usage, "config file \(path) line \(error.source.begin.line), column \(error.source.begin.column): not valid TOML (\(error.description)); write each setting as key = \"value\", accepted keys: \(Self.keys.joined(separator: ", "))")
        } catch {
            throw WorkflowError(.usage, "config file \(path): not valid TOML; write each setting as key = \"value\", accepted keys: \(Self.keys.joined(separator: ", "))")
        }
        for key in table.keys.sorted() {
            let line = Self.line(of: key, in: text).map { " line \($0)" } ?? ""
            guard Self.keys.contains(key) else {
                throw WorkflowError(.usage, "config file \(path)\(line): unknown key \(key); accepted keys: \(Self.keys.joined(separator: ", "))")
            }
            // The value is never quoted back: a database URL may hold a password.
            guard let value = table[key]?.string else {
                throw WorkflowError(.usage, "config file \(path)\(line): key \(key) must be a quoted string, e.g. \(key) = \"…\"")
            }
            switch key {
            case "database_url": databaseURL = value.isEmpty ? nil : value
            default: actor = value.isEmpty ? nil : value
            }
        }
    }

    /// The first line (from 1) that sets `key`, to point at it; TOMLKit gives positions only for syntax errors.
    static func line(of key: String, in text: String) -> Int? {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("[\(key)]") || trimmed.hasPrefix("[[\(key)]]") { return index + 1 }  // a table
            for spelling in [key, "\"\(key)\"", "'\(key)'"] where trimmed.hasPrefix(spelling) {
                if trimmed.dropFirst(spelling.count).drop(while: { $0 == " " || $0 == "\t" }).first == "=" { return index + 1 }
            }
        }
        return nil
    }
}
