import Crypto
import Foundation

/// The work `CaseSealing` already did, kept so that a case's next change neither unwraps its key nor seals its
/// unchanged values again: a change re-seals every personal value of its case, and nearly all are the values the case
/// already had. Without it, a transition spent a tenth of its time in AES-GCM, HMAC and the random-number syscall.
///
/// An answer from the memo is the one the cryptography would give: each entry is named by everything its result
/// depends on (case, wrapped key, field, value or ciphertext). Opening an identical ciphertext under the same key and
/// binding gives the same value; re-using the ciphertext of an identical value under the same key and binding reveals
/// only that the value did not change, which the stored form showed anyway.
///
/// An erasure forgets everything (`forgetAll`), so that no erased value outlives its key in this process.
final class SealingMemo: @unchecked Sendable {
    /// Names a personal value of one case under one key.
    struct Place: Hashable {
        let caseID: UUID
        let wrappedKey: String
        let field: String
    }

    /// A sealed value: its blind index (the case's current fields carry it, history events do not) and its nonce,
    /// ciphertext and tag in base64.
    struct Sealed {
        let blindIndex: String
        let ciphertext: String
    }

    private struct Plain: Hashable {
        let place: Place
        let value: JSONValue
    }

    private struct Cipher: Hashable {
        let place: Place
        let ciphertext: String
    }

    private struct WrappedKey: Hashable {
        let caseID: UUID
        let wrapped: String
    }

    /// Entries are kept while they are recent (`GenerationalCache`): the keys of the last thousand cases or so, and
    /// the values of as many cases with four personal values each. At most two generations are held, so a
    /// long-running server does not grow with the cases it has sealed.
    static let keysPerGeneration = 1_000
    static let valuesPerGeneration = 4_000

    private let lock = NSLock()
    private var keys = GenerationalCache<WrappedKey, SymmetricKey>(generationSize: keysPerGeneration)
    private var sealed = GenerationalCache<Plain, Sealed>(generationSize: valuesPerGeneration)
    private var opened = GenerationalCache<Cipher, JSONValue>(generationSize: valuesPerGeneration)

    func key(caseID: UUID, wrapped: String) -> SymmetricKey? {
        lock.withLock { keys.value(WrappedKey(caseID: caseID, wrapped: wrapped)) }
    }

    func remember(key: SymmetricKey, caseID: UUID, wrapped: String) {
        lock.withLock { keys.insert(key, for: WrappedKey(caseID: caseID, wrapped: wrapped)) }
    }

    func sealed(_ value: JSONValue, at place: Place) -> Sealed? {
        lock.withLock { sealed.value(Plain(place: place, value: value)) }
    }

    func opened(_ ciphertext: String, at place: Place) -> JSONValue? {
        lock.withLock { opened.value(Cipher(place: place, ciphertext: ciphertext)) }
    }

    /// `value` seals to `form` at `place`, and `form` opens to `value`.
    func remember(_ value: JSONValue, sealedAs form: Sealed, at place: Place) {
        lock.withLock {
            sealed.insert(form, for: Plain(place: place, value: value))
            opened.insert(value, for: Cipher(place: place, ciphertext: form.ciphertext))
        }
    }

    /// `ciphertext` opens to `value` at `place` (a history event's form: without its blind index it answers no seal).
    func remember(_ value: JSONValue, openedFrom ciphertext: String, at place: Place) {
        lock.withLock { opened.insert(value, for: Cipher(place: place, ciphertext: ciphertext)) }
    }

    func forgetAll() {
        lock.withLock {
            keys.removeAll()
            sealed.removeAll()
            opened.removeAll()
        }
    }
}
