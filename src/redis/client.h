#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "io/event_loop.h"
#include "redis/link.h"
#include "redis/topology.h"

namespace coastguard::redis {

struct ClientStats {
  LinkStats links;              // summed over every connection to a data server
  uint64_t redirects = 0;       // MOVED and ASK answers followed (Cluster)
  uint64_t slot_maps = 0;       // slot maps read (Cluster)
  uint64_t master_changes = 0;  // a new master followed (Sentinel), or moved to after ROLE
  size_t servers = 0;           // data servers connected now (a Cluster's masters)
};

// What the shared state needs of Redis, whatever its topology (topology.h): commands sent to
// the server that holds their key, one channel subscribed to, and word when commands can be sent
// and when they no longer can. Commands never wait: one that cannot be sent now is refused
// (Command returns false) and the caller decides alone. Loop thread only.
class Client {
 public:
  using Callback = Link::Callback;
  using MessageFn = Link::MessageFn;
  virtual ~Client() = default;

  // Before Start. After every (re)connection that made commands possible again.
  void set_on_ready(std::function<void()> fn) { on_ready_ = std::move(fn); }
  // When commands no longer can be sent (the ones in flight fail with null replies).
  void set_on_down(std::function<void()> fn) { on_down_ = std::move(fn); }
  // After every (re)subscription: messages published meanwhile were missed.
  void set_on_subscribed(std::function<void()> fn) { on_subscribed_ = std::move(fn); }
  void set_subscription(std::string channel, MessageFn on_message) {
    channel_ = std::move(channel);
    on_message_ = std::move(on_message);
  }

  virtual void Start() = 0;
  // Sends one command to the server that holds `key`'s slot (in a Cluster; elsewhere there is
  // one server). False, and `done` is never called, when that server is not reachable now. A
  // Cluster's redirects are followed; `done` gets the final reply, or null when it failed
  // without one.
  virtual bool Command(std::string_view key, const std::vector<std::string_view>& args,
                       Callback done) = 0;
  virtual bool ready() const = 0;
  virtual bool subscribed() const = 0;
  // The subscription missed what it should have brought within the timeout (it sends nothing,
  // so only its user can tell): drop it and subscribe again.
  virtual void SubscriptionTimedOut(std::string why) = 0;
  // "up", "connecting" or "down".
  virtual std::string_view state() const = 0;
  virtual ClientStats stats() const = 0;
  virtual size_t in_flight() const = 0;
  // The data server(s) in use now, for the log, /metrics and /v1/service.
  virtual std::string Describe() const = 0;

 protected:
  std::function<void()> on_ready_;
  std::function<void()> on_down_;
  std::function<void()> on_subscribed_;
  std::string channel_;
  MessageFn on_message_;
};

// One Redis server (kServer), or the master the Sentinels name (kSentinel); `first` is where
// to start (the startup's LocateBlocking, or empty to ask the Sentinels first).
std::unique_ptr<Client> MakeClient(io::EventLoop& loop, const Topology& topology,
                                   const Endpoint& first, LinkSettings settings);

}  // namespace coastguard::redis
