#include "io/event_loop.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <stdexcept>

namespace coastguard::io {

EventLoop::EventLoop() {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (epoll_fd_ < 0 || wake_fd_ < 0) throw std::runtime_error("cannot create epoll/eventfd");
  Watch(wake_fd_, EPOLLIN, [this](uint32_t) {
    uint64_t value;
    while (read(wake_fd_, &value, sizeof(value)) > 0) {
    }
    running_ = false;
  });
}

EventLoop::~EventLoop() {
  if (wake_fd_ >= 0) close(wake_fd_);
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

core::Timestamp EventLoop::Now() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool EventLoop::Watch(int fd, uint32_t events, Handler handler) {
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) return false;
  handlers_[fd] = std::move(handler);
  return true;
}

bool EventLoop::Modify(int fd, uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  return epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) == 0;
}

void EventLoop::Unwatch(int fd) {
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  handlers_.erase(fd);
}

uint64_t EventLoop::Every(core::Duration period, std::function<void()> fn) {
  const uint64_t id = next_timer_++;
  timers_.push_back({id, period, Now() + period, std::move(fn)});
  return id;
}

void EventLoop::Cancel(uint64_t timer) {
  for (Timer& t : timers_) {
    if (t.id == timer) {
      t.id = 0;  // not run again; erased after the turn, not under a running timer's feet
      timers_cancelled_ = true;
    }
  }
}

bool EventLoop::Turn(core::Duration max_wait) {
  epoll_event events[256];
  const core::Timestamp now = Now();
  core::Timestamp next = now + max_wait;
  for (const Timer& t : timers_) {
    if (t.id != 0) next = std::min(next, t.next);
  }
  const int timeout_ms =
      soon_.empty()
          ? static_cast<int>(std::max<core::Timestamp>(0, (next - now + 999) / core::kMillisecond))
          : 0;
  const int n = epoll_wait(epoll_fd_, events, 256, timeout_ms);
  if (n < 0 && errno != EINTR) return false;
  for (int i = 0; i < n; ++i) {
    const auto it = handlers_.find(events[i].data.fd);
    if (it == handlers_.end()) continue;
    // Copy: the handler may unwatch its own fd.
    Handler handler = it->second;
    handler(events[i].events);
  }
  std::vector<std::function<void()>> soon;
  soon.swap(soon_);
  for (const std::function<void()>& fn : soon) fn();
  const core::Timestamp after = Now();
  // By index, over the timers there were: one may add or cancel timers.
  const size_t count = timers_.size();
  for (size_t i = 0; i < count; ++i) {
    if (timers_[i].id == 0 || timers_[i].next > after) continue;
    timers_[i].next = after + timers_[i].period;
    const std::function<void()> fn = timers_[i].fn;  // the vector may grow under it
    fn();
  }
  if (timers_cancelled_) {
    std::erase_if(timers_, [](const Timer& t) { return t.id == 0; });
    timers_cancelled_ = false;
  }
  return true;
}

void EventLoop::Run() {
  running_ = true;
  while (running_) {
    if (!Turn(core::kSecond)) break;
  }
}

void EventLoop::RunOnce(core::Duration max_wait) { Turn(max_wait); }

void EventLoop::Stop() {
  const uint64_t one = 1;
  // write(2) is async-signal-safe; nothing else is done here.
  [[maybe_unused]] const ssize_t ignored = write(wake_fd_, &one, sizeof(one));
}

}  // namespace coastguard::io
