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
  // Runs `fn` every `period` (first run one period from now).
  void Every(core::Duration period, std::function<void()> fn);
  // Runs `fn` once after the handlers of the fds ready in this turn (and the next turn does
  // not sleep): work left over when a budget is spent continues without starving the others.
  void Soon(std::function<void()> fn) { soon_.push_back(std::move(fn)); }
  // Runs until Stop().
  void Run();
  void Stop();

  // The wall clock in microseconds since the epoch: what live events are stamped with.
  static core::Timestamp Now();

 private:
  struct Timer {
    core::Duration period;
    core::Timestamp next;
    std::function<void()> fn;
  };

  int epoll_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: Stop() writes it to break epoll_wait
  bool running_ = false;
  absl::flat_hash_map<int, Handler> handlers_;
  std::vector<Timer> timers_;
  std::vector<std::function<void()>> soon_;
};

}  // namespace coastguard::io
