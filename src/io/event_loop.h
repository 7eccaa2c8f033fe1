#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "core/time.h"

namespace coastguard::io {

// One epoll loop for every connection the server holds: the HTTP listener (libmicrohttpd's
// epoll fd nested in ours), and later the Postfix policy sockets. Handlers run on the loop's
// thread, one at a time, so nothing they touch needs a lock. Stop() may be called from a
// signal handler or another thread.
class EventLoop {
 public:
  using Handler = std::function<void(uint32_t events)>;

  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Watches `fd` for `events` (EPOLLIN, ...). The handler gets the ready events.
  bool Watch(int fd, uint32_t events, Handler handler);
  // Changes the events watched for `fd`.
  bool Modify(int fd, uint32_t events);
  void Unwatch(int fd);
  // Runs `fn` every `period` (first run one period from now), until Cancel(the id returned).
  uint64_t Every(core::Duration period, std::function<void()> fn);
  // Stops a timer; safe from within any handler or timer, its own included.
  void Cancel(uint64_t timer);
  // Runs `fn` once after the handlers of the fds ready in this turn (and the next turn does
  // not sleep): work left over when a budget is spent continues without starving the others.
  void Soon(std::function<void()> fn) { soon_.push_back(std::move(fn)); }
  // Runs until Stop().
  void Run();
  // One turn: handles what is ready, waiting at most `max_wait` (less when a timer is due
  // sooner), then what was deferred and the timers due. For a caller with a loop of its own
  // (replay through several nodes).
  void RunOnce(core::Duration max_wait);
  void Stop();

  // The wall clock in microseconds since the epoch: what live events are stamped with.
  static core::Timestamp Now();

 private:
  struct Timer {
    uint64_t id;
    core::Duration period;
    core::Timestamp next;
    std::function<void()> fn;
  };

  // Returns false when the loop is broken (epoll failed).
  bool Turn(core::Duration max_wait);

  int epoll_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: Stop() writes it to break epoll_wait
  bool running_ = false;
  absl::flat_hash_map<int, Handler> handlers_;
  std::vector<Timer> timers_;
  uint64_t next_timer_ = 1;
  bool timers_cancelled_ = false;  // some have id 0 now: swept after the turn
  std::vector<std::function<void()>> soon_;
};

}  // namespace coastguard::io
