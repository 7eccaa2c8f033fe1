#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "breach/breached_logins.h"
#include "forms/form_guard.h"
#include "io/event_loop.h"
#include "policy/attempt_observer.h"
#include "policy/engine.h"
#include "policy/state_sink.h"
#include "redis/client.h"
#include "redis/shared_config.h"
#include "redis/shared_message.h"

namespace coastguard::redis {

struct SharedStats {
  uint64_t published_messages = 0;
  uint64_t published_records = 0;
  uint64_t dropped_records = 0;  // not sent: Redis was unreachable (the others never see them)
  uint64_t received_messages = 0;
  uint64_t received_records = 0;
  uint64_t bad_messages = 0;
  uint64_t bad_records = 0;
  uint64_t blocks_pushed = 0;  // written to Redis at a (re)connect
  uint64_t blocks_pulled = 0;  // read from Redis at a (re)connect
  uint64_t resyncs = 0;
  int64_t lag_us = 0;  // age of the last message from another node when it arrived
};

// What /v1/service and the log say about the shared state.
struct SharedStatus {
  std::string node;
  std::string endpoint;  // the server in use (for Sentinel, the master now; for Cluster, the seeds)
  std::string topology;  // "server", "sentinel" or "cluster"
  std::string link;      // "up", "connecting", "down", or "seed_mismatch"
  double lag_ms = 0;
  size_t queued_bytes = 0;
  size_t in_flight = 0;
  size_t servers = 0;
};

// Makes several nodes decide as one, through one Redis (docs/cluster.md):
// - every attempt this node's engine checks, and every outcome reported to it, is sent to the
//   other nodes in one PUBLISH per `flush_every`, and their engines count it (Engine::Observe):
//   each node's counters, familiar places, blocks and evidence come from the attempts all of
//   them saw, so a distributed attack split across them meets the same detectors as on one;
// - the changes an attempt cannot re-create (an operator's block or unblock, allow lists, a
//   cleared suspect) travel in the same messages, as journal records;
// - every block in force is also written to Redis with its expiry, and at every (re)connect a
//   node writes its own and reads everyone's, so blocks made while Redis was away reach all.
// A decision never waits for Redis: the engine decides on local state, and while Redis is
// unreachable the node goes on alone (its attempts are then not seen by the others).
//
// Sits in front of the node's own state sink (log, firewall, store), which sees every change
// first. Loop thread only.
class SharedState : public policy::StateSink,
                    public policy::AttemptObserver,
                    public forms::FormObserver,
                    public breach::BreachObserver {
 public:
  // `client` reaches Redis in whatever topology `topology_name` names (client.h).
  SharedState(io::EventLoop& loop, policy::Engine& engine, policy::StateSink& next,
              const SharedConfig& config, std::unique_ptr<Client> client, std::string topology_name,
              std::string node, uint64_t seed, bool seed_agreed);

  ~SharedState() override;
  SharedState(const SharedState&) = delete;
  SharedState& operator=(const SharedState&) = delete;

  // Connects (and keeps reconnecting); the engine must already use this as sink and observer.
  void Start();
  // What "now" is for the engine: the wall clock live, the replayed time in a replay through
  // several nodes. Messages are stamped with it and other nodes' times are bounded by it.
  void set_clock(std::function<core::Timestamp()> clock) { clock_ = std::move(clock); }
  // This node's records are all sent and answered (or dropped): a replay may end.
  bool idle() const { return out_.empty() && client_->in_flight() == 0 && pushing_.empty(); }
  bool joined() const { return joined_; }
  // Sends what is queued now, without waiting for the interval.
  void Flush();

  // policy::StateSink
  void FamiliarityLearned(uint64_t login, const detect::FamiliarityStore::Source& s) override;
  void BlockSet(const policy::BlockKey& key, const policy::Block& block) override;
  void BlockRemoved(const policy::BlockKey& key) override;
  void AllowNetwork(const core::Cidr& cidr, bool added) override;
  void AllowLogin(uint64_t login, std::string_view subject, bool added) override;
  void EvidenceRecorded(uint64_t login, const detect::LoginEvidence& evidence) override;
  // policy::AttemptObserver
  void Checked(const core::AuthAttempt& attempt) override;
  void Reported(const core::AuthAttempt& attempt, core::Outcome outcome) override;
  // forms::FormObserver
  void FormChecked(const forms::FormRequest& request, core::Timestamp now,
                   const forms::DecidedForm& decided) override;
  // breach::BreachObserver
  void BreachReported(std::string_view login, std::string_view ip, std::string_view service,
                      bool breached, uint32_t breach_count, core::Timestamp now) override;
  void BreachNotified(std::string_view login, core::Timestamp now) override;
  // The form guard and the breached accounts the other nodes' records apply to (they must use
  // this as observer); unset, those records are skipped.
  void set_forms(forms::FormGuard* forms) { forms_ = forms; }
  void set_breach(breach::BreachedLogins* breach) { breach_ = breach; }

  SharedStatus status() const;
  const SharedStats& stats() const { return stats_; }
  // The shared families of /metrics.
  void AppendMetrics(std::string& out) const;
  // Applies one message as received from the channel (exposed for tests and the fuzz target).
  void OnMessage(std::string_view payload);

 private:
  bool sharing() const { return joined_ && !applying_; }
  // Whether this node's own attempt goes to the others now (counts it dropped when it cannot).
  bool Sending();
  void OnReady();
  void PushBlocks();
  void PushChunk(size_t from);
  void PullBlocks(const std::string& cursor);
  std::string BlockKeyName(const policy::BlockKey& key);
  // Routes commands about the blocks as a whole (SCAN, the PING that paces writes) to the
  // Cluster node that holds them.
  std::string BlocksTag() const { return config_.prefix + "{blocks}"; }
  void WriteBlock(const policy::BlockKey& key, const policy::Block& block);

  io::EventLoop& loop_;
  policy::Engine& engine_;
  policy::StateSink& next_;
  forms::FormGuard* forms_ = nullptr;
  breach::BreachedLogins* breach_ = nullptr;
  SharedConfig config_;
  std::unique_ptr<Client> client_;
  std::string topology_name_;
  std::string node_;
  std::function<core::Timestamp()> clock_ = &io::EventLoop::Now;
  uint64_t seed_;
  uint64_t instance_;  // tells this process's own messages from the others' (same node name too)
  MessageWriter out_;
  // The seed was agreed through Redis: this node may store it again if Redis lost it. One that
  // fell back to its own seed only compares.
  bool seed_agreed_;
  bool joined_ = false;    // the deployment's seed is this node's: its digests mean the same
  bool mismatch_ = false;  // Redis holds another seed: this node must restart to join
  bool applying_ = false;  // within another node's message: nothing of it is sent back
  // Redis could not answer the seed check yet (LOADING, OOM, NOPERM): ask again then (wall).
  core::Timestamp seed_retry_at_ = 0;
  // Counts connections (each OnReady, each loss): an answer to an earlier one is ignored. A
  // Cluster's masters answer on after another master was lost.
  uint64_t generation_ = 0;
  uint64_t flush_timer_ = 0;
  // Blocks being written to Redis after a (re)connect, in chunks paced by the replies.
  std::vector<std::pair<policy::BlockKey, policy::Block>> pushing_;
  // When this node published a message the channel has not brought back yet (0: none): the
  // subscriber sends nothing, so a silent loss shows only as a missing echo.
  core::Timestamp echo_due_since_ = 0;
  std::string scratch_;
  std::string key_scratch_;
  SharedStats stats_;
};

}  // namespace coastguard::redis
