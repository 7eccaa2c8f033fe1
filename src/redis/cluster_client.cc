#include "redis/cluster_client.h"

#include <hiredis/hiredis.h>

#include "core/log.h"
#include "core/text.h"

namespace coastguard::redis {
namespace {

// A map or a subscription source not connected this long: try the next one.
constexpr core::Duration kGiveUpAfter = 2 * core::kSecond;
// While not every master is connected: read the map again this often (a failover moves a
// master's slots to its replica).
constexpr core::Duration kMapWhileDown = core::kSecond;
constexpr core::Duration kTick = 100 * core::kMillisecond;
// More node addresses than a Cluster of any size has: MOVED answers cannot grow the table.
constexpr size_t kMaxNodes = 1024;

bool SameAddress(const Endpoint& a, const Endpoint& b) {
  return a.host == b.host && a.port == b.port;
}

}  // namespace

// One command on its way, with what it takes to send it again after a redirect.
struct ClusterClient::Request {
  std::vector<std::string> args;
  Callback done;
  int hops = 0;
};

ClusterClient::ClusterClient(io::EventLoop& loop, const Topology& topology, LinkSettings settings)
    : loop_(loop),
      topology_(topology),
      settings_(settings),
      map_(loop, "cluster map", settings),
      events_(loop, "events", settings) {
  owner_.fill(-1);
}

ClusterClient::~ClusterClient() { loop_.Cancel(timer_); }

void ClusterClient::Start() {
  map_.set_on_ready([this] { ReadMap("connected"); });
  map_.set_on_down([this] { map_asking_ = false; });
  events_.set_on_ready([this] {
    if (on_subscribed_) on_subscribed_();
  });
  events_.Subscribe(channel_, on_message_);
  timer_ = loop_.Every(kTick, [this] { Tick(); });
  map_.Connect(Candidate(0));
  events_.Connect(Candidate(0));
  map_rotation_.unreachable_since = events_rotation_.unreachable_since = io::EventLoop::Now();
}

const Endpoint& ClusterClient::Candidate(size_t i) const {
  i %= Candidates();
  return i < topology_.cluster.size() ? topology_.cluster[i]
                                      : nodes_[i - topology_.cluster.size()]->address;
}

ClusterClient::Node* ClusterClient::NodeAt(const Endpoint& address) {
  for (const auto& node : nodes_) {
    if (SameAddress(node->address, address)) return node.get();
  }
  if (nodes_.size() >= kMaxNodes) return nullptr;
  auto node = std::make_unique<Node>();
  node->address = topology_.WithLogin(address);
  node->link = std::make_unique<Link>(loop_, core::Cat("cluster ", address.ToString()), settings_);
  Node* n = node.get();
  n->link->set_on_ready([this] { CheckReady(); });
  n->link->set_on_down([this, n] { NodeDown(*n); });
  n->link->Connect(n->address);
  nodes_.push_back(std::move(node));
  return n;
}

void ClusterClient::ReadMap(const std::string& why) {
  map_wanted_ = true;
  if (!map_.ready() || map_asking_ || map_leave_at_ != 0) return;
  map_asking_ = true;
  const bool sent = map_.Command({"CLUSTER", "SLOTS"}, [this, why](const redisReply* reply) {
    map_asking_ = false;
    if (reply == nullptr) return;  // the connection went: the next one asks
    auto map = ParseClusterSlots(reply, map_.endpoint());
    if (map.ok() && map->covered == 0) map = core::InvalidInput("no slot is assigned to a master");
    if (!map.ok()) {
      if (!map_failing_) {
        core::Log(core::Cat("shared: cluster node ", map_.endpoint().ToString(), ": ",
                            core::Message(map.status()), "; asking the other nodes in turn"));
        map_failing_ = true;
      }
      // The next node after a pause that doubles while none answers (a plain Redis named in
      // `cluster` must not be asked in a tight loop).
      if (map_leave_at_ == 0) {
        map_leave_at_ = io::EventLoop::Now() + map_leave_after_;
        map_leave_after_ = std::min(map_leave_after_ * 2, kMaxMapPause);
      }
      return;
    }
    map_failing_ = false;
    map_leave_after_ = core::kSecond;
    map_wanted_ = false;
    map_read_at_ = io::EventLoop::Now();
    ++maps_;
    if (why != "periodic" && why != "connected") {
      core::Log(core::Cat("shared: cluster slot map read again (", why, "): ", map->masters.size(),
                          " masters, ", map->covered, " slots covered"));
    }
    ApplyMap(*map);
  });
  if (!sent) map_asking_ = false;
}

void ClusterClient::ApplyMap(const SlotMap& map) {
  std::vector<int16_t> index(map.masters.size(), -1);
  for (const auto& node : nodes_) node->in_map = false;
  for (size_t m = 0; m < map.masters.size(); ++m) {
    Node* n = NodeAt(map.masters[m]);
    if (n == nullptr) continue;
    n->in_map = true;
    if (n->link->state() == Link::State::kIdle) n->link->Connect(n->address);
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (nodes_[i].get() == n) index[m] = static_cast<int16_t>(i);
    }
  }
  for (size_t s = 0; s < kClusterSlots; ++s) {
    owner_[s] = map.owner[s] < 0 ? -1 : index[static_cast<size_t>(map.owner[s])];
  }
  // A master no longer in the map (failed over, removed): its requests fail, it is not awaited.
  for (const auto& node : nodes_) {
    if (!node->in_map && node->link->state() != Link::State::kIdle) node->link->Close();
  }
  have_map_ = true;
  CheckReady();
}

void ClusterClient::CheckReady() {
  bool all = have_map_;
  for (const auto& node : nodes_) {
    if (node->in_map && !node->link->ready()) all = false;
  }
  if (all && !ready_) {
    ready_ = true;
    if (on_ready_) on_ready_();
  } else if (!all && ready_) {
    ready_ = false;
    if (on_down_) on_down_();
  }
}

void ClusterClient::NodeDown(const Node& node) {
  if (!node.in_map) return;
  CheckReady();
  ReadMap(core::Cat(node.address.ToString(), " lost"));
  // The subscription on a hung node would hear nothing without noticing: start it afresh.
  if (SameAddress(events_.endpoint(), node.address)) {
    loop_.Soon([this] {
      events_rotation_.source = (events_rotation_.source + 1) % Candidates();
      events_.Connect(Candidate(events_rotation_.source));
    });
  }
}

bool ClusterClient::Command(std::string_view key, const std::vector<std::string_view>& args,
                            Callback done) {
  const int16_t owner = ready_ ? owner_[KeySlot(key)] : -1;
  Node* node = owner < 0 ? nullptr : nodes_[static_cast<size_t>(owner)].get();
  if (node == nullptr || !node->link->ready()) {
    ++refused_;
    return false;
  }
  auto request = std::make_shared<Request>();
  request->args.assign(args.begin(), args.end());
  request->done = std::move(done);
  return node->link->Command(
      args, [this, node, request](const redisReply* reply) { OnReply(*node, request, reply); });
}

void ClusterClient::Send(Node& node, const std::shared_ptr<Request>& request, bool asking) {
  const std::vector<std::string_view> args(request->args.begin(), request->args.end());
  if (asking) node.link->Command({"ASKING"}, nullptr);
  Node* n = &node;
  const bool sent = node.link->Command(
      args, [this, n, request](const redisReply* reply) { OnReply(*n, request, reply); });
  if (!sent && request->done) request->done(nullptr);
}

void ClusterClient::OnReply(const Node& from, const std::shared_ptr<Request>& request,
                            const redisReply* reply) {
  if (reply != nullptr && reply->type == REDIS_REPLY_ERROR && request->hops < kMaxHops) {
    if (auto redirect = ParseRedirect(std::string_view(reply->str, reply->len), from.address)) {
      ++redirects_;
      ++request->hops;
      Node* target = NodeAt(redirect->target);
      if (!redirect->ask) {
        for (size_t i = 0; target != nullptr && i < nodes_.size(); ++i) {
          if (nodes_[i].get() == target) owner_[redirect->slot] = static_cast<int16_t>(i);
        }
        ReadMap(core::Cat("MOVED to ", redirect->target.ToString()));
      }
      if (target != nullptr && target->link->ready()) {
        Send(*target, request, redirect->ask);
      } else if (request->done) {
        request->done(nullptr);  // its node is being connected; the caller decides alone
      }
      return;
    }
  }
  if (request->done) request->done(reply);
}

bool ClusterClient::KeepReachable(Link& link, Rotation& rotation, core::Timestamp now) {
  if (link.ready()) {
    rotation.unreachable_since = 0;
    return true;
  }
  if (rotation.unreachable_since == 0) rotation.unreachable_since = now;
  if (now - rotation.unreachable_since > kGiveUpAfter) {
    rotation.source = (rotation.source + 1) % Candidates();
    rotation.unreachable_since = now;
    link.Connect(Candidate(rotation.source));
  }
  return false;
}

void ClusterClient::Tick() {
  const core::Timestamp now = io::EventLoop::Now();
  if (map_leave_at_ != 0 && now >= map_leave_at_) {
    map_leave_at_ = 0;
    map_rotation_.source = (map_rotation_.source + 1) % Candidates();
    map_rotation_.unreachable_since = now;
    map_.Connect(Candidate(map_rotation_.source));
  } else if (map_leave_at_ == 0 && KeepReachable(map_, map_rotation_, now)) {
    const core::Duration every = ready_ ? kMapEvery : kMapWhileDown;
    if (map_wanted_ || now - map_read_at_ > every) ReadMap("periodic");
  }
  KeepReachable(events_, events_rotation_, now);
}

std::string_view ClusterClient::state() const {
  if (ready_) return events_.ready() ? "up" : "connecting";
  return map_.ready() || map_.state() == Link::State::kConnecting ? "connecting" : "down";
}

ClientStats ClusterClient::stats() const {
  ClientStats s;
  for (const auto& node : nodes_) {
    const LinkStats& l = node->link->stats();
    s.links.commands += l.commands;
    s.links.failed += l.failed;
    s.links.timeouts += l.timeouts;
    s.links.connects += l.connects;
    s.links.refused += l.refused;
    if (node->in_map && node->link->ready()) ++s.servers;
  }
  s.links.timeouts += events_.stats().timeouts + map_.stats().timeouts;
  s.links.connects += events_.stats().connects;
  s.links.refused += refused_;
  s.redirects = redirects_;
  s.slot_maps = maps_;
  return s;
}

size_t ClusterClient::in_flight() const {
  size_t n = 0;
  for (const auto& node : nodes_) n += node->link->in_flight();
  return n;
}

std::string ClusterClient::Describe() const {
  size_t masters = 0;
  for (const auto& node : nodes_) masters += node->in_map ? 1 : 0;
  return core::Cat(topology_.Describe(), " (", masters, " masters)");
}

}  // namespace coastguard::redis
