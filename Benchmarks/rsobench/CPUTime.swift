import Foundation

/// CPU seconds used so far by this process and by the processes of the local PostgreSQL server (read from /proc), so
/// that a writer's cost per transition can be compared on a machine whose throughput drifts between runs.
struct CPUTime: Sendable {
    var client = 0.0
    var server = 0.0

    static func now() -> CPUTime {
        var server = 0.0
        let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for pid in processes where pid.first?.isNumber == true {
            guard let (command, seconds) = cpu(of: "/proc/\(pid)/stat"), command == "postgres" else { continue }
            server += seconds
        }
        return CPUTime(client: cpu(of: "/proc/self/stat")?.seconds ?? 0, server: server)
    }

    static func - (after: CPUTime, before: CPUTime) -> CPUTime {
        CPUTime(client: after.client - before.client, server: after.server - before.server)
    }

    static func += (total: inout CPUTime, more: CPUTime) {
        total.client += more.client
        total.server += more.server
    }

    /// The command and the user plus system CPU seconds of a /proc/PID/stat file.
    private static func cpu(of path: String) -> (command: String, seconds: Double)? {
        guard let stat = try? String(contentsOfFile: path, encoding: .utf8),
              let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { return nil }
        // After the command: state (field 3) first, so utime (field 14) and stime (field 15) are the 12th and 13th.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (String(stat[stat.index(after: open)..<close]), (user + system) / ticksPerSecond)
    }

    private static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
}
