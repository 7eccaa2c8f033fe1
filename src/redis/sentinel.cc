#include "redis/sentinel.h"

#include <hiredis/hiredis.h>

#include "core/log.h"
#include "core/text.h"
#include "redis/replies.h"

namespace coastguard::redis {
namespace {

// A Sentinel not connected this long is left for the next one.
constexpr core::Duration kGiveUpAfter = 2 * core::kSecond;
constexpr core::Duration kTick = 100 * core::kMillisecond;

}  // namespace

MasterLocator::MasterLocator(io::EventLoop& loop, std::vector<Endpoint> sentinels,
                             std::string master_name, LinkSettings settings, MasterFn on_master)
    : loop_(loop),
      sentinels_(std::move(sentinels)),
      master_name_(std::move(master_name)),
      on_master_(std::move(on_master)),
      query_(loop, "sentinel", settings),
      watch_(loop, "sentinel events", settings) {}

MasterLocator::~MasterLocator() { loop_.Cancel(timer_); }

void MasterLocator::Start() {
  query_.set_on_ready([this] { Ask(); });
  query_.set_on_down([this] { asking_ = false; });
  watch_.Subscribe("+switch-master", [this](std::string_view, std::string_view payload) {
    if (auto master = ParseSwitchMaster(payload, master_name_)) {
      core::Log(core::Cat("shared: Sentinel ", sentinel().ToString(), " announces a failover of ",
                          master_name_, " to ", master->ToString()));
      on_master_(*master);
    }
  });
  timer_ = loop_.Every(kTick, [this] { Tick(); });
  query_.Connect(sentinel());
  watch_.Connect(sentinel());
  unreachable_since_ = io::EventLoop::Now();
}

void MasterLocator::AskNow() {
  if (query_.ready() && !asking_ && leave_at_ == 0) Ask();
}

void MasterLocator::Ask() {
  asking_ = true;
  asked_at_ = io::EventLoop::Now();
  const bool sent = query_.Command(
      {"SENTINEL", "get-master-addr-by-name", master_name_}, [this](const redisReply* reply) {
        asking_ = false;
        if (reply == nullptr) return;  // the connection went: the next one asks again
        auto master = ParseMasterAddress(reply);
        if (master.ok()) {
          logged_unknown_ = logged_leaving_ = false;
          leave_after_ = core::kSecond;
          on_master_(*master);
          return;
        }
        if (!logged_unknown_) {
          core::Log(core::Cat("shared: Sentinel ", sentinel().ToString(), " about master '",
                              master_name_, "': ", core::Message(master.status()),
                              "; asking the next Sentinel"));
          logged_unknown_ = true;
        }
        // A Sentinel that does not know the name (or refuses) is not the one to ask; the next
        // one is tried after a pause that doubles while none names it (a mistyped name must
        // not make the node hammer every Sentinel).
        if (leave_at_ == 0) {
          leave_at_ = io::EventLoop::Now() + leave_after_;
          leave_after_ = std::min(leave_after_ * 2, kMaxLeaveAfter);
        }
      });
  if (!sent) asking_ = false;
}

void MasterLocator::Next(const std::string& why) {
  leave_at_ = 0;
  // Once until a Sentinel answers again: an outage of them all must not flood the log.
  if (sentinels_.size() > 1 && !logged_leaving_) {
    core::Log(core::Cat("shared: leaving Sentinel ", sentinel().ToString(), " (", why, ") for ",
                        sentinels_[(current_ + 1) % sentinels_.size()].ToString(),
                        "; trying them in turn"));
    logged_leaving_ = true;
  }
  current_ = (current_ + 1) % sentinels_.size();
  unreachable_since_ = io::EventLoop::Now();
  query_.Connect(sentinel());
  watch_.Connect(sentinel());
}

void MasterLocator::Tick() {
  const core::Timestamp now = io::EventLoop::Now();
  if (leave_at_ != 0 && now >= leave_at_) {
    Next("it does not name the master");
    return;
  }
  if (!query_.ready() || !watch_.ready()) {
    if (unreachable_since_ == 0) unreachable_since_ = now;
    if (now - unreachable_since_ > kGiveUpAfter) Next("not reachable");
    return;
  }
  unreachable_since_ = 0;
  if (!asking_ && leave_at_ == 0 && now - asked_at_ >= kAskEvery) Ask();
}

}  // namespace coastguard::redis
