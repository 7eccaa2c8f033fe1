#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "redis/client.h"
#include "redis/replies.h"

namespace coastguard::redis {

// A Redis Cluster, as the shared state uses it. Written here because Debian 12 packages no C or
// C++ Cluster client (hiredis-cluster, redis-plus-plus); what it does is small:
// - reads the slot map (CLUSTER SLOTS) from a seed node or any node it knows, at start, every
//   `kMapEvery`, and whenever a node fails or answers MOVED;
// - keeps one connection per master and sends each command to the master of its key's slot;
//   a MOVED answer is followed (and the slot remembered), an ASK answer is followed for that
//   request alone (ASKING first), at most kMaxHops times;
// - subscribes on one node: a Cluster delivers every PUBLISH to every node.
// Ready when every master of the map is connected; any of them lost makes it not ready until
// a new map is read and its masters connected (the nodes then decide alone meanwhile).
// Loop thread only.
class ClusterClient : public Client {
 public:
  ClusterClient(io::EventLoop& loop, const Topology& topology, LinkSettings settings);
  ~ClusterClient() override;

  void Start() override;
  bool Command(std::string_view key, const std::vector<std::string_view>& args,
               Callback done) override;
  bool ready() const override { return ready_; }
  bool subscribed() const override { return events_.ready(); }
  void SubscriptionTimedOut(std::string why) override { events_.TimedOut(std::move(why)); }
  std::string_view state() const override;
  ClientStats stats() const override;
  size_t in_flight() const override;
  std::string Describe() const override;

  static constexpr int kMaxHops = 5;
  static constexpr core::Duration kMapEvery = 10 * core::kSecond;

 private:
  struct Node {
    Endpoint address;
    std::unique_ptr<Link> link;
    bool in_map = false;
  };
  struct Request;
  // Which candidate a connection uses, and since when it has not been connected (0: it is).
  struct Rotation {
    size_t source = 0;
    core::Timestamp unreachable_since = 0;
  };

  Node* NodeAt(const Endpoint& address);  // null past kMaxNodes
  void ReadMap(const std::string& why);
  void ApplyMap(const SlotMap& map);
  void CheckReady();
  void NodeDown(const Node& node);
  void Send(Node& node, const std::shared_ptr<Request>& request, bool asking);
  void OnReply(const Node& from, const std::shared_ptr<Request>& request, const redisReply* reply);
  // Where the map and the subscription are read from, in turn: the seeds, then known masters.
  const Endpoint& Candidate(size_t i) const;
  size_t Candidates() const { return topology_.cluster.size() + nodes_.size(); }
  void Tick();
  // True when `link` is connected; else moves it to the next candidate once it has been
  // unreachable for long enough.
  bool KeepReachable(Link& link, Rotation& rotation, core::Timestamp now);

  io::EventLoop& loop_;
  Topology topology_;
  LinkSettings settings_;
  Link map_;     // CLUSTER SLOTS
  Link events_;  // the subscription
  uint64_t timer_ = 0;
  // Never shrinks (a Link lives as long as the loop may call it); bounded by kMaxNodes.
  std::vector<std::unique_ptr<Node>> nodes_;
  std::array<int16_t, kClusterSlots> owner_{};  // index into nodes_, -1 unknown
  bool have_map_ = false;
  bool ready_ = false;
  bool map_wanted_ = true;
  bool map_asking_ = false;
  core::Timestamp map_read_at_ = 0;
  Rotation map_rotation_;
  // The map source answered with no usable map: move to the next one at (0: it did not).
  core::Timestamp map_leave_at_ = 0;
  core::Duration map_leave_after_ = core::kSecond;
  bool map_failing_ = false;  // said once in the log
  static constexpr core::Duration kMaxMapPause = 30 * core::kSecond;
  Rotation events_rotation_;
  uint64_t refused_ = 0;
  uint64_t redirects_ = 0;
  uint64_t maps_ = 0;
};

}  // namespace coastguard::redis
