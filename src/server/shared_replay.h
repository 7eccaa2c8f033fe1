#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "core/time.h"
#include "io/event_loop.h"
#include "policy/engine.h"
#include "redis/shared_config.h"
#include "redis/shared_state.h"
#include "redis/topology.h"

namespace coastguard::server {

// A replay that is one of several nodes sharing their state through Redis (`replay --shared`):
// the bench replays one file through N such processes, each deciding its share of the lines,
// to measure what sharing costs detection. The replayed time is the clock: the engine's, the
// messages' stamps and the bound on other nodes' times all come from it, and every node paces
// its lines to the same wall-clock schedule so that their replayed clocks agree.
// Replay's digests use a fixed seed, so every replay node proposes the same one.
class SharedReplay {
 public:
  SharedReplay(policy::Engine& engine, const redis::SharedConfig& config,
               const redis::Topology& topology, std::string node);
  ~SharedReplay();

  // Form lines are shared too (campaigns, rates and tokens span the nodes).
  void ShareForms(forms::FormGuard& forms);
  // Connects, and waits (at most `timeout`) until this node shares the deployment's seed and
  // hears the channel.
  absl::Status Join(core::Duration timeout);
  // Handles Redis traffic, waiting at most `max_wait` for it.
  void Pump(core::Duration max_wait) { loop_.RunOnce(max_wait); }
  // Sends what is queued and waits (at most `timeout`) until Redis has answered it all.
  void Drain(core::Duration timeout);
  void set_now(core::Timestamp now) { now_ = now; }
  std::string Describe() const;
  const redis::SharedStats& stats() const { return shared_->stats(); }

 private:
  io::EventLoop loop_;
  std::unique_ptr<policy::StateSink> discard_;
  std::unique_ptr<redis::SharedState> shared_;
  core::Timestamp now_ = 0;
};

}  // namespace coastguard::server
