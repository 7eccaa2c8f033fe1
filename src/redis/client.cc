#include "redis/client.h"

#include <hiredis/hiredis.h>

#include "core/log.h"
#include "core/text.h"
#include "redis/cluster_client.h"
#include "redis/replies.h"
#include "redis/sentinel.h"

namespace coastguard::redis {
namespace {

bool SameAddress(const Endpoint& a, const Endpoint& b) {
  return a.host == b.host && a.port == b.port && a.unix_path == b.unix_path;
}

// One server: the one configured, or the master the Sentinels name now. Two connections to
// it: commands, and the subscription (a subscribed connection can send nothing else).
class ServerClient : public Client {
 public:
  ServerClient(io::EventLoop& loop, const Topology& topology, const Endpoint& first,
               LinkSettings settings)
      : loop_(loop),
        topology_(topology),
        master_(first),
        commands_(loop, "commands", settings),
        events_(loop, "events", settings) {
    if (topology_.kind == Topology::Kind::kSentinel) {
      locator_ = std::make_unique<MasterLocator>(
          loop, topology_.sentinels, topology_.master_name, settings,
          [this](const Endpoint& address) { MoveTo(address); });
    }
  }

  void Start() override {
    commands_.set_on_ready([this] { OnCommandsReady(); });
    commands_.set_on_down([this] {
      const bool was_ready = ready_;
      ready_ = false;
      if (was_ready && on_down_) on_down_();
      // The subscriber sends nothing, so it cannot notice a hung server: start it afresh too
      // (not from within the failing connection's own handler), unless it already is.
      loop_.Soon([this] {
        if (events_.state() != Link::State::kConnecting) events_.Connect(master_);
      });
      if (locator_) locator_->AskNow();
    });
    events_.set_on_ready([this] {
      if (on_subscribed_) on_subscribed_();
    });
    events_.Subscribe(channel_, on_message_);
    if (locator_) locator_->Start();
    if (!master_.host.empty() || !master_.unix_path.empty()) {
      commands_.Connect(master_);
      events_.Connect(master_);
    }
  }

  bool Command(std::string_view, const std::vector<std::string_view>& args,
               Callback done) override {
    if (!ready_) {
      ++refused_;
      return false;
    }
    return commands_.Command(args, std::move(done));
  }
  bool ready() const override { return ready_; }
  bool subscribed() const override { return events_.ready(); }
  void SubscriptionTimedOut(std::string why) override { events_.TimedOut(std::move(why)); }
  std::string_view state() const override {
    if (ready_ && events_.ready()) return "up";
    if (commands_.state() == Link::State::kDown && !ready_) return "down";
    return "connecting";
  }
  ClientStats stats() const override {
    ClientStats s;
    s.links = commands_.stats();
    const LinkStats& e = events_.stats();
    s.links.timeouts += e.timeouts;
    s.links.connects += e.connects;
    s.links.refused += refused_;
    s.master_changes = master_changes_;
    s.servers = ready_ ? 1 : 0;
    return s;
  }
  size_t in_flight() const override { return commands_.in_flight(); }
  std::string Describe() const override {
    if (!locator_) return master_.ToString();
    return core::Cat(master_.host.empty() ? "?" : master_.ToString(), " (master ",
                     topology_.master_name, " by sentinel ", locator_->sentinel().ToString(), ")");
  }

 private:
  void OnCommandsReady() {
    if (!locator_) {
      ready_ = true;
      if (on_ready_) on_ready_();
      return;
    }
    // What a Sentinel named may since have been demoted: a replica would refuse every write.
    commands_.Command({"ROLE"}, [this](const redisReply* reply) {
      if (reply == nullptr) return;  // the connection went; the next one asks again
      const std::string_view role = ParseRole(reply);
      if (role != "master") {
        core::Log(core::Cat("shared: ", master_.ToString(), " is not the master (ROLE: ",
                            role.empty() ? "no answer" : role, "); asking the Sentinels again"));
        commands_.Reset("not the master");
        locator_->AskNow();
        return;
      }
      ready_ = true;
      if (on_ready_) on_ready_();
    });
  }

  // The Sentinels name `address` as the master: move both connections there if it is new.
  void MoveTo(const Endpoint& address) {
    if (SameAddress(address, master_)) return;
    const bool first = master_.host.empty();
    if (!first) {
      ++master_changes_;
      core::Log(core::Cat("shared: the master of ", topology_.master_name, " is now ",
                          address.ToString(), " (was ", master_.ToString(), ")"));
    }
    master_ = topology_.WithLogin(address);
    commands_.Connect(master_);
    events_.Connect(master_);
  }

  io::EventLoop& loop_;
  Topology topology_;
  Endpoint master_;
  Link commands_;
  Link events_;
  std::unique_ptr<MasterLocator> locator_;
  bool ready_ = false;  // commands connected, and (with Sentinel) to a master
  uint64_t refused_ = 0;
  uint64_t master_changes_ = 0;
};

}  // namespace

std::unique_ptr<Client> MakeClient(io::EventLoop& loop, const Topology& topology,
                                   const Endpoint& first, LinkSettings settings) {
  if (topology.kind == Topology::Kind::kCluster)
    return std::make_unique<ClusterClient>(loop, topology, settings);
  return std::make_unique<ServerClient>(loop, topology, first, settings);
}

}  // namespace coastguard::redis
