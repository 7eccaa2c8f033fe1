#include "server/shared_replay.h"

#include "core/text.h"
#include "redis/client.h"
#include "replay/replayer.h"

namespace coastguard::server {
namespace {

// Replay persists nothing: the other nodes' changes only reach the engine.
class DiscardingSink : public policy::StateSink {
 public:
  void FamiliarityLearned(uint64_t, const detect::FamiliarityStore::Source&) override {}
  void BlockSet(const policy::BlockKey&, const policy::Block&) override {}
  void BlockRemoved(const policy::BlockKey&) override {}
  void AllowNetwork(const core::Cidr&, bool) override {}
  void AllowLogin(uint64_t, std::string_view, bool) override {}
  void EvidenceRecorded(uint64_t, const detect::LoginEvidence&) override {}
};

}  // namespace

SharedReplay::SharedReplay(policy::Engine& engine, const redis::SharedConfig& config,
                           const redis::Topology& topology, std::string node)
    : discard_(std::make_unique<DiscardingSink>()) {
  redis::Endpoint first;
  auto located = redis::LocateBlocking(topology, config.prefix + "seed", core::kSecond);
  if (located.ok()) first = *located;
  auto client =
      redis::MakeClient(loop_, topology, first, redis::LinkSettings{.timeout = config.timeout});
  shared_ = std::make_unique<redis::SharedState>(
      loop_, engine, *discard_, config, std::move(client), std::string(topology.KindName()),
      std::move(node), replay::kSeed, /*seed_agreed=*/true);
  shared_->set_clock([this] { return now_; });
  engine.set_sink(shared_.get());
  engine.set_observer(shared_.get());
  shared_->Start();
}

SharedReplay::~SharedReplay() = default;

void SharedReplay::ShareForms(forms::FormGuard& forms) {
  forms.set_observer(shared_.get());
  shared_->set_forms(&forms);
}

absl::Status SharedReplay::Join(core::Duration timeout) {
  const core::Timestamp deadline = io::EventLoop::Now() + timeout;
  while (io::EventLoop::Now() < deadline) {
    if (shared_->joined() && shared_->status().link == "up") return absl::OkStatus();
    loop_.RunOnce(10 * core::kMillisecond);
  }
  const redis::SharedStatus s = shared_->status();
  return absl::UnavailableError(
      core::Cat("could not join the shared state at ", s.endpoint, " (link ", s.link, ")"));
}

void SharedReplay::Drain(core::Duration timeout) {
  const core::Timestamp deadline = io::EventLoop::Now() + timeout;
  shared_->Flush();
  while (!shared_->idle() && io::EventLoop::Now() < deadline) {
    loop_.RunOnce(core::kMillisecond);
  }
}

std::string SharedReplay::Describe() const {
  const redis::SharedStatus s = shared_->status();
  return core::Cat(s.node, " on ", s.endpoint, " (", s.topology, ")");
}

}  // namespace coastguard::server
