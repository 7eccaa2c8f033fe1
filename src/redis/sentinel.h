#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/time.h"
#include "io/event_loop.h"
#include "redis/endpoint.h"
#include "redis/link.h"

namespace coastguard::redis {

// Finds the master that a group of Sentinels names, and follows its failovers. It talks to one
// Sentinel at a time: asks it (SENTINEL get-master-addr-by-name) at every connection and every
// `ask_every`, and listens to its +switch-master channel, so a failover is followed within a
// round trip of the Sentinel's announcement, or at the next question if that message was missed.
// A Sentinel that cannot be reached, or does not know the name, is left for the next one.
// Loop thread only.
class MasterLocator {
 public:
  // Called with the master's address (host and port) at every answer; the caller compares.
  using MasterFn = std::function<void(const Endpoint& address)>;

  MasterLocator(io::EventLoop& loop, std::vector<Endpoint> sentinels, std::string master_name,
                LinkSettings settings, MasterFn on_master);
  ~MasterLocator();
  MasterLocator(const MasterLocator&) = delete;
  MasterLocator& operator=(const MasterLocator&) = delete;

  void Start();
  // The master did not answer, or answered as a replica: ask now rather than at the next round.
  void AskNow();
  const Endpoint& sentinel() const { return sentinels_[current_]; }

  static constexpr core::Duration kAskEvery = core::kSecond;

 private:
  void Ask();
  void Next(const std::string& why);
  void Tick();

  io::EventLoop& loop_;
  std::vector<Endpoint> sentinels_;
  std::string master_name_;
  MasterFn on_master_;
  Link query_;
  Link watch_;  // subscribed to +switch-master
  uint64_t timer_ = 0;
  size_t current_ = 0;
  core::Timestamp unreachable_since_ = 0;  // the current Sentinel not connected since (0: it is)
  core::Timestamp asked_at_ = 0;
  bool asking_ = false;
  bool logged_unknown_ = false;  // said once why the Sentinels do not name the master
  bool logged_leaving_ = false;  // said once that the node moves from Sentinel to Sentinel
  // The current Sentinel did not name the master: move on at (0: it did).
  core::Timestamp leave_at_ = 0;
  core::Duration leave_after_ = core::kSecond;
  static constexpr core::Duration kMaxLeaveAfter = 30 * core::kSecond;
};

}  // namespace coastguard::redis
