import Foundation
import Synchronization
import WorkflowEngine

/// What `TokenAuthentication` remembers between requests: tokens found valid a moment ago, and how many bad tokens
/// each source address sent lately.
///
/// - A valid token is remembered for `rememberedFor` (5 s), so that a busy client costs one token lookup per 5 s
///   rather than one per request. A token revoked or expired meanwhile is therefore refused within 5 s; the user's
///   own state (disabled, roles) is still read by the engine at every request.
/// - An address that sent `badTokensAllowed` unknown, expired or revoked tokens in a row, at most one regained per
///   `regainEvery`, is answered 429 with Retry-After, without a lookup, until it has regained one. A token found
///   valid in the last `knownFor` (an hour) is still looked up: a colleague behind the same address is not locked
///   out by a guesser.
final class TokenGate: Sendable {
    static let rememberedFor: Duration = .seconds(5)
    static let knownFor: Duration = .seconds(3600)
    static let badTokensAllowed = 20
    static let regainEvery: Duration = .seconds(3)
    /// Past this many entries, forgotten ones are swept out (a bound on memory, whatever the clients send).
    static let largest = 10_000

    private struct Allowance {
        var left: Int
        var since: ContinuousClock.Instant
    }

    /// Tokens found valid, by hash: who they act as, and when they were last found so.
    private let valid = Mutex<[String: (user: String, checked: ContinuousClock.Instant)]>([:])
    private let allowances = Mutex<[String: Allowance]>([:])

    /// The user of a token found valid less than `rememberedFor` ago.
    func rememberedUser(ofHash hash: String, now: ContinuousClock.Instant = .now) -> String? {
        valid.withLock { found in
            guard let entry = found[hash], now - entry.checked < Self.rememberedFor else { return nil }
            return entry.user
        }
    }

    /// Whether the token was found valid within `knownFor`: such a token is looked up even from a limited address.
    func isKnown(hash: String, now: ContinuousClock.Instant = .now) -> Bool {
        valid.withLock { found in found[hash].map { now - $0.checked < Self.knownFor } ?? false }
    }

    func remember(hash: String, user: String, now: ContinuousClock.Instant = .now) {
        valid.withLock { found in
            if found.count >= Self.largest { found = found.filter { now - $0.value.checked < Self.knownFor } }
            if found.count < Self.largest || found[hash] != nil { found[hash] = (user, now) }
        }
    }

    /// How long `address` must wait before a token from it is looked up again; nil when it may send one now.
    func wait(for address: String, now: ContinuousClock.Instant = .now) -> Duration? {
        allowances.withLock { allowances in
            guard var allowance = allowances[address] else { return nil }
            Self.regain(&allowance, now: now)
            allowances[address] = allowance.left >= Self.badTokensAllowed ? nil : allowance
            return allowance.left > 0 ? nil : allowance.since + Self.regainEvery - now
        }
    }

    /// A wait as `Retry-After` gives it: whole seconds, rounded up, at least one.
    static func retryAfterSeconds(_ wait: Duration) -> Int {
        max(1, Int(wait.components.seconds) + (wait.components.attoseconds > 0 ? 1 : 0))
    }

    /// One more bad token from `address`.
    func badToken(from address: String, now: ContinuousClock.Instant = .now) {
        allowances.withLock { allowances in
            if allowances.count >= Self.largest {
                allowances = allowances.filter { _, allowance in
                    var regained = allowance
                    Self.regain(&regained, now: now)
                    return regained.left < Self.badTokensAllowed
                }
            }
            var allowance = allowances[address] ?? Allowance(left: Self.badTokensAllowed, since: now)
            Self.regain(&allowance, now: now)
            allowance.left = max(0, allowance.left - 1)
            if allowances.count < Self.largest || allowances[address] != nil { allowances[address] = allowance }
        }
    }

    /// Adds back one allowance per `regainEvery` since the last count, up to `badTokensAllowed`.
    private static func regain(_ allowance: inout Allowance, now: ContinuousClock.Instant) {
        let periods = Int((now - allowance.since) / regainEvery)
        guard periods > 0 else { return }
        allowance.left = min(badTokensAllowed, allowance.left + periods)
        allowance.since = allowance.left == badTokensAllowed ? now : allowance.since + regainEvery * periods
    }
}
