#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "io/event_loop.h"
#include "redis/endpoint.h"

struct redisAsyncContext;
struct redisReply;

namespace coastguard::redis {

struct LinkSettings {
  core::Duration connect_timeout = core::kSecond;
  // A request not answered within this is a slow or hung server: the connection is dropped
  // (its requests fail) and a new one is made.
  core::Duration timeout = 250 * core::kMillisecond;
  core::Duration backoff_min = 100 * core::kMillisecond;
  core::Duration backoff_max = 5 * core::kSecond;
};

struct LinkStats {
  uint64_t commands = 0;  // sent
  uint64_t failed = 0;    // answered with an error, timed out, or lost with the connection
  uint64_t timeouts = 0;  // connections dropped for a request over the timeout
  uint64_t connects = 0;  // connections that became ready
  uint64_t refused = 0;   // commands not sent: the link was not ready
};

// One hiredis async connection to one Redis server, driven by the daemon's epoll loop: no call
// blocks. It logs in (AUTH, SELECT) before it reports itself ready, reconnects with a doubling
// backoff whenever the connection fails, and fails every request that waits longer than the
// timeout (hiredis 0.14 has no request timeouts of its own). Loop thread only.
class Link {
 public:
  enum class State : uint8_t { kIdle, kConnecting, kReady, kDown };
  // `reply` is null when the request failed without an answer (timeout, lost connection).
  using Callback = std::function<void(const redisReply* reply)>;
  // A message on a subscribed channel: (channel, payload).
  using MessageFn = std::function<void(std::string_view channel, std::string_view payload)>;

  Link(io::EventLoop& loop, std::string name, LinkSettings settings);
  ~Link();
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;

  // Connects to `endpoint` (dropping any connection to another one) and keeps connecting.
  void Connect(const Endpoint& endpoint);
  // Drops the connection and stops reconnecting.
  void Close();
  // Drops the connection (its requests fail) and reconnects after the backoff.
  void Reset(std::string why) { Fail(std::move(why)); }
  // The same, for a server that did not answer within the timeout in a way only the caller can
  // see (a subscriber's missing echo): counted as a timeout.
  void TimedOut(std::string why) {
    ++stats_.timeouts;
    Fail(std::move(why));
  }
  // Sends one command; false (and `done` is never called) when the link is not ready.
  bool Command(const std::vector<std::string_view>& args, Callback done);
  // Makes this a subscriber connection: after each (re)connect it subscribes to `channel` and
  // hands every message to `on_message`. Call before Connect. A subscriber sends nothing else.
  void Subscribe(std::string channel, MessageFn on_message);

  // After each successful login (AUTH, SELECT, SUBSCRIBE): resynchronise here.
  void set_on_ready(std::function<void()> fn) { on_ready_ = std::move(fn); }
  // After a ready connection was lost.
  void set_on_down(std::function<void()> fn) { on_down_ = std::move(fn); }

  State state() const { return state_; }
  bool ready() const { return state_ == State::kReady; }
  const Endpoint& endpoint() const { return endpoint_; }
  const std::string& name() const { return name_; }
  const std::string& last_error() const { return last_error_; }
  const LinkStats& stats() const { return stats_; }
  // Requests sent and not yet answered.
  size_t in_flight() const { return sent_at_.size(); }
  static std::string_view StateName(State state);

 private:
  struct Pending;
  struct Socket;
  friend struct LinkCallbacks;

  void StartConnect();
  void OnConnected(bool ok);
  void OnDisconnected();
  void Login();
  void BecomeReady();
  // Drops the connection (its pending callbacks get null replies) and schedules a reconnect.
  void Fail(std::string why);
  void Tick();
  bool Send(const std::vector<std::string_view>& args, Callback done, bool track);
  void OnEvents(uint32_t events);

  io::EventLoop& loop_;
  uint64_t timer_ = 0;
  std::string name_;
  LinkSettings settings_;
  Endpoint endpoint_;
  bool wanted_ = false;  // Connect called, Close not
  State state_ = State::kIdle;
  redisAsyncContext* ac_ = nullptr;
  uint64_t connection_ = 0;  // counts connections started; the current one's number
  core::Timestamp ready_since_ = 0;
  core::Timestamp deadline_ = 0;      // connecting or logging in: give up at
  core::Timestamp reconnect_at_ = 0;  // down: try again at
  core::Duration backoff_ = 0;
  std::deque<core::Timestamp> sent_at_;  // per tracked request, oldest first (replies are ordered)
  std::string channel_;
  MessageFn on_message_;
  std::function<void()> on_ready_;
  std::function<void()> on_down_;
  std::string last_error_;
  LinkStats stats_;
  std::vector<const char*> argv_;  // reused per command
  std::vector<size_t> lens_;
};

// A reply's text (status, string or error), "" for other types or null.
std::string_view ReplyText(const redisReply* reply);
bool ReplyIsError(const redisReply* reply);

}  // namespace coastguard::redis
