import Foundation
import WorkflowEngine

/// A password read from standard input: one line, never an argument (arguments show in `ps` and shell history).
enum PasswordInput {
    /// Longer than any accepted password, so that a refusal can say how long it was; reading stops there.
    static let readLimit = 1_024

    /// The first line of standard input, without its line break. At a terminal, the typing is not echoed.
    static func readLine() throws -> String {
        let terminal = isatty(STDIN_FILENO) == 1
        var saved = termios()
        if terminal {
            FileHandle.standardError.write(Data("password: ".utf8))
            tcgetattr(STDIN_FILENO, &saved)
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
        }
        defer {
            if terminal {
                tcsetattr(STDIN_FILENO, TCSANOW, &saved)
                FileHandle.standardError.write(Data("\n".utf8))
            }
        }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while bytes.count < readLimit {
            let count = read(STDIN_FILENO, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 || byte == UInt8(ascii: "\n") { break }
            bytes.append(byte)
        }
        if bytes.count == readLimit {
            let accepted = SignInRules.passwordBytes
            throw WorkflowError(.invalidData, "the password is refused: a password is \(accepted.lowerBound) to \(accepted.upperBound) bytes of UTF-8 (this one has more than \(readLimit)); nothing was written")
        }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        if bytes.isEmpty {
            throw WorkflowError(.usage, "no password on standard input: pipe it in (one line), e.g. from a password manager, or type it at the prompt")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw WorkflowError(.invalidData, "the password is not UTF-8 text; nothing was written")
        }
        return text
    }
}
