import Dispatch
import NIOCore
import NIOPosix

/// NIO's shared event loops, handed out in turn even to code that runs on one of them.
///
/// Why: the pool opens its connections from a task, and `EventLoopGroup.any()` then answers the loop that task runs
/// on. Where Swift's tasks run on NIO's loops (`rsoctl serve`), every connection of the pool ended up on one loop,
/// and with them every request's work after its first query: one thread did the server's work while the other idled.
final class SpreadEventLoops: EventLoopGroup, Sendable {
    let group: MultiThreadedEventLoopGroup = .singleton

    func next() -> any EventLoop { group.next() }
    func any() -> any EventLoop { group.next() }
    func makeIterator() -> EventLoopIterator { group.makeIterator() }
    func shutdownGracefully(queue: DispatchQueue, _ callback: @escaping @Sendable ((any Error)?) -> Void) {
        // The shared loops live as long as the process.
        queue.async { callback(nil) }
    }
}
