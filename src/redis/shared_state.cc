#include "redis/shared_state.h"

#include <hiredis/hiredis.h>

#include <random>

#include "core/log.h"
#include "core/metrics_text.h"
#include "core/text.h"
#include "redis/seed.h"
#include "store/state_store.h"

namespace coastguard::redis {
namespace {

// A message is sent as soon as it holds this much, without waiting for the interval.
constexpr size_t kMaxMessageBytes = 256 << 10;
// Blocks written to Redis at a reconnect, at most: the ones a node made alone while Redis was
// away. More would be a flood that no longer tells anything.
constexpr size_t kMaxBlocksPushed = 100'000;
constexpr uint64_t kScanCount = 500;

uint64_t RandomInstance() {
  std::random_device device;
  return (static_cast<uint64_t>(device()) << 32) | device();
}

std::string Hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<uint8_t>(c);
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

// Sets a flag for as long as it lives, exceptions included.
class Raised {
 public:
  explicit Raised(bool& flag) : flag_(flag) { flag_ = true; }
  ~Raised() { flag_ = false; }
  Raised(const Raised&) = delete;
  Raised& operator=(const Raised&) = delete;

 private:
  bool& flag_;
};

}  // namespace

SharedState::SharedState(io::EventLoop& loop, policy::Engine& engine, policy::StateSink& next,
                         const SharedConfig& config, std::unique_ptr<Client> client,
                         std::string topology_name, std::string node, uint64_t seed,
                         bool seed_agreed)
    : loop_(loop),
      engine_(engine),
      next_(next),
      config_(config),
      client_(std::move(client)),
      topology_name_(std::move(topology_name)),
      node_(std::move(node)),
      seed_(seed),
      instance_(RandomInstance()),
      out_(instance_, node_),
      seed_agreed_(seed_agreed) {}

void SharedState::Start() {
  client_->set_on_ready([this] { OnReady(); });
  client_->set_on_down([this] {
    joined_ = false;  // checked again at the next connection
    pushing_.clear();
    seed_retry_at_ = 0;
    ++generation_;  // answers still to come (a Cluster's other masters) are for the past
  });
  client_->set_on_subscribed([this] {
    // Blocks published while it was away are in Redis.
    if (joined_) PullBlocks("0");
  });
  client_->set_subscription(
      config_.prefix + "events",
      [this](std::string_view, std::string_view payload) { OnMessage(payload); });
  client_->Start();
  flush_timer_ = loop_.Every(config_.flush_every, [this] { Flush(); });
}

SharedState::~SharedState() { loop_.Cancel(flush_timer_); }

// --- what this node tells the others -------------------------------------------------------

bool SharedState::Sending() {
  if (applying_) return false;
  if (!joined_) ++stats_.dropped_records;  // Redis away (or another seed): never seen elsewhere
  return joined_;
}

void SharedState::Checked(const core::AuthAttempt& attempt) {
  if (!Sending()) return;
  out_.Checked(attempt, clock_());
  if (out_.size() >= kMaxMessageBytes) Flush();
}

void SharedState::Reported(const core::AuthAttempt& attempt, core::Outcome outcome) {
  if (!Sending()) return;
  out_.Reported(attempt, outcome, clock_());
  if (out_.size() >= kMaxMessageBytes) Flush();
}

void SharedState::FormChecked(const forms::FormRequest& request, core::Timestamp now,
                              const forms::DecidedForm& decided) {
  if (!Sending()) return;
  out_.Form(request, decided, now, clock_());
  if (out_.size() >= kMaxMessageBytes) Flush();
}

void SharedState::BreachReported(std::string_view login, std::string_view ip,
                                 std::string_view service, bool breached, uint32_t breach_count,
                                 core::Timestamp now) {
  if (!Sending()) return;
  out_.Breach({.notified = false,
               .ts = now,
               .breached = breached,
               .breach_count = breach_count,
               .login = login,
               .ip = ip,
               .service = service},
              clock_());
  if (out_.size() >= kMaxMessageBytes) Flush();
}

void SharedState::BreachNotified(std::string_view login, core::Timestamp now) {
  if (!Sending()) return;
  BreachRecord record;
  record.notified = true;
  record.ts = now;
  record.login = login;
  out_.Breach(record, clock_());
}

void SharedState::Flush() {
  const core::Timestamp wall = io::EventLoop::Now();
  if (echo_due_since_ != 0 && client_->subscribed() && wall - echo_due_since_ > config_.timeout) {
    echo_due_since_ = 0;
    client_->SubscriptionTimedOut("no message of this node's own came back on the channel");
  }
  if (seed_retry_at_ != 0 && wall >= seed_retry_at_) {
    seed_retry_at_ = 0;
    if (client_->ready() && !joined_) OnReady();
  }
  if (out_.empty()) return;
  if (!client_->ready() || !joined_) {
    stats_.dropped_records += out_.records();
    out_.Clear();
    return;
  }
  const size_t records = out_.records();
  const std::string channel = config_.prefix + "events";
  if (client_->Command(channel, {"PUBLISH", channel, out_.bytes()}, nullptr)) {
    if (echo_due_since_ == 0) echo_due_since_ = wall;
    ++stats_.published_messages;
    stats_.published_records += records;
  } else {
    stats_.dropped_records += records;
  }
  out_.Clear();
}

std::string SharedState::BlockKeyName(const policy::BlockKey& key) {
  store::record::BlockKey(key_scratch_, key);
  // One hash tag for every block: a Cluster keeps them in one slot, so one SCAN finds them.
  return core::Cat(config_.prefix, "{blocks}:", Hex(key_scratch_));
}

void SharedState::WriteBlock(const policy::BlockKey& key, const policy::Block& block) {
  const int64_t expires_ms = block.expires / core::kMillisecond;
  if (block.expires <= clock_()) return;
  store::record::Block(scratch_, key, block);
  const std::string name = BlockKeyName(key);
  client_->Command(name, {"SET", name, scratch_, "PXAT", core::Cat(expires_ms)}, nullptr);
}

// --- policy::StateSink: the node's own sink first, then the others ---------------------------

void SharedState::FamiliarityLearned(uint64_t login, const detect::FamiliarityStore::Source& s) {
  // Each node learns it from the success itself (Observe): nothing to send.
  next_.FamiliarityLearned(login, s);
}

void SharedState::BlockSet(const policy::BlockKey& key, const policy::Block& block) {
  next_.BlockSet(key, block);
  if (!sharing()) return;
  store::record::Block(scratch_, key, block);
  out_.State(scratch_, clock_());
  WriteBlock(key, block);
}

void SharedState::BlockRemoved(const policy::BlockKey& key) {
  next_.BlockRemoved(key);
  if (!sharing()) return;
  store::record::BlockRemoved(scratch_, key);
  out_.State(scratch_, clock_());
  const std::string name = BlockKeyName(key);
  client_->Command(name, {"DEL", name}, nullptr);
}

void SharedState::AllowNetwork(const core::Cidr& cidr, bool added) {
  next_.AllowNetwork(cidr, added);
  if (!sharing()) return;
  store::record::AllowNetwork(scratch_, cidr, added);
  out_.State(scratch_, clock_());
}

void SharedState::AllowLogin(uint64_t login, std::string_view subject, bool added) {
  next_.AllowLogin(login, subject, added);
  if (!sharing()) return;
  store::record::AllowLogin(scratch_, login, subject, added);
  out_.State(scratch_, clock_());
}

void SharedState::EvidenceRecorded(uint64_t login, const detect::LoginEvidence& evidence) {
  next_.EvidenceRecorded(login, evidence);
  if (!sharing()) return;
  store::record::Evidence(scratch_, login, evidence);
  out_.State(scratch_, clock_());
}

// --- what the others tell this node --------------------------------------------------------

void SharedState::OnMessage(std::string_view payload) {
  MessageHeader header;
  // This node's own messages come back on the channel too.
  if (!ReadHeader(payload, &header).ok()) {
    ++stats_.bad_messages;
    return;
  }
  if (header.instance == instance_) {
    echo_due_since_ = 0;
    return;
  }
  if (!joined_) return;
  const core::Timestamp now = clock_();
  uint64_t records = 0;
  const MessageHandlers handlers{
      [&](const core::AuthAttempt& attempt, const core::Outcome* outcome) {
        ++records;
        core::AuthAttempt a = attempt;
        a.ts = BoundRemoteTime(a.ts, now);
        engine_.Observe(a, outcome);
      },
      [&](std::string_view record) {
        ++records;
        if (!store::ApplyStateRecord(record, engine_, store::ApplyMode::kLive))
          ++stats_.bad_records;
      },
      [&](const forms::FormRequest& request, const forms::DecidedForm& decided, int64_t ts) {
        ++records;
        if (forms_ != nullptr) forms_->Observe(request, BoundRemoteTime(ts, now), decided);
      },
      [&](const BreachRecord& r) {
        ++records;
        if (breach_ == nullptr) return;
        if (r.notified) {
          breach_->ObserveNotified(r.login, BoundRemoteTime(r.ts, now));
        } else {
          breach_->ObserveReport(r.login, r.ip, r.service, r.breached, r.breach_count,
                                 BoundRemoteTime(r.ts, now));
        }
      }};
  absl::Status s;
  {
    const Raised applying(applying_);
    s = ReadMessage(payload, &header, handlers);
  }
  stats_.received_records += records;
  if (!s.ok()) {
    ++stats_.bad_messages;
    core::Log(core::Cat("shared: a message from node ", header.node, ": ", core::Message(s)));
    return;
  }
  ++stats_.received_messages;
  stats_.lag_us = now - header.sent_at;
}

// --- (re)connecting: agree on the seed, then exchange blocks --------------------------------

void SharedState::OnReady() {
  const std::string key = config_.prefix + "seed";
  const std::string mine = SeedHex(seed_);
  // Only a seed agreed before may be stored again (Redis lost its data); a node that fell back
  // to its own must not impose it on the others.
  const uint64_t generation = ++generation_;
  if (seed_agreed_) client_->Command(key, {"SET", key, mine, "NX"}, nullptr);
  const bool asked =
      client_->Command(key, {"GET", key}, [this, mine, generation](const redisReply* reply) {
        // The connection went (the next one asks again), or this is an earlier connection's answer.
        if (reply == nullptr || generation != generation_) return;
        if (reply->type != REDIS_REPLY_STRING) {
          // LOADING after a restart, OOM, NOPERM, or no seed at all: ask again after the backoff.
          const std::string why = reply->type == REDIS_REPLY_ERROR
                                      ? std::string(ReplyText(reply))
                                      : std::string("no seed in Redis yet");
          core::Log(core::Cat("shared: seed check: ", why, "; asking again in a second"));
          seed_retry_at_ = io::EventLoop::Now() + core::kSecond;
          return;
        }
        if (ReplyText(reply) != mine) {
          if (!mismatch_) {
            core::Log(
                core::Cat("shared: Redis holds another deployment's hash seed than this node's; "
                          "this node decides alone until restarted with Redis reachable "
                          "(docs/cluster.md)"));
          }
          mismatch_ = true;
          joined_ = false;
          return;
        }
        mismatch_ = false;
        joined_ = true;
        ++stats_.resyncs;
        PushBlocks();
        PullBlocks("0");
      });
  // Its server is not reachable right now (a Cluster slot without a master): ask again.
  if (!asked) seed_retry_at_ = io::EventLoop::Now() + core::kSecond;
}

void SharedState::PushBlocks() {
  const core::Timestamp now = clock_();
  pushing_.clear();
  engine_.blocks().ForEach([&](const policy::BlockKey& key, const policy::Block& block) {
    if (block.expires > now && pushing_.size() < kMaxBlocksPushed)
      pushing_.emplace_back(key, block);
  });
  PushChunk(0);
}

void SharedState::PushChunk(size_t from) {
  // A bounded window of writes at a time, the next when the last one is answered: a reconnect
  // with many blocks must not queue them all at once and trip the request timeout.
  constexpr size_t kChunk = 256;
  const core::Timestamp now = clock_();
  const size_t end = std::min(pushing_.size(), from + kChunk);
  for (size_t i = from; i < end; ++i) {
    const auto& [key, block] = pushing_[i];
    if (block.expires <= now) continue;
    WriteBlock(key, block);
    store::record::Block(scratch_, key, block);
    out_.State(scratch_, now);
    if (out_.size() >= kMaxMessageBytes) Flush();
    ++stats_.blocks_pushed;
  }
  if (end >= pushing_.size()) {
    pushing_.clear();
    return;
  }
  const uint64_t generation = generation_;
  client_->Command(BlocksTag(), {"PING"}, [this, end, generation](const redisReply* reply) {
    if (reply != nullptr && joined_ && generation == generation_) PushChunk(end);
  });
}

void SharedState::PullBlocks(const std::string& cursor) {
  const std::string match = core::Cat(config_.prefix, "{blocks}:*");
  const uint64_t generation = generation_;
  client_->Command(
      BlocksTag(), {"SCAN", cursor, "MATCH", match, "COUNT", core::Cat(kScanCount)},
      [this, generation](const redisReply* reply) {
        if (reply == nullptr || generation != generation_ || reply->type != REDIS_REPLY_ARRAY ||
            reply->elements != 2 || reply->element[1]->type != REDIS_REPLY_ARRAY) {
          return;
        }
        const std::string next(ReplyText(reply->element[0]));
        const redisReply* keys = reply->element[1];
        auto more = [this, next] {
          if (next != "0" && !next.empty()) PullBlocks(next);
        };
        if (keys->elements == 0) {
          more();
          return;
        }
        std::vector<std::string_view> mget = {"MGET"};
        for (size_t i = 0; i < keys->elements; ++i) mget.push_back(ReplyText(keys->element[i]));
        client_->Command(BlocksTag(), mget, [this, more, generation](const redisReply* values) {
          if (values == nullptr || generation != generation_ || values->type != REDIS_REPLY_ARRAY)
            return;
          {
            const Raised applying(applying_);
            for (size_t i = 0; i < values->elements; ++i) {
              const std::string_view record = ReplyText(values->element[i]);
              if (record.empty()) continue;  // expired between SCAN and MGET
              if (store::ApplyStateRecord(record, engine_, store::ApplyMode::kLiveBlock)) {
                ++stats_.blocks_pulled;
              } else {
                ++stats_.bad_records;
              }
            }
          }
          more();
        });
      });
}

// --- what it shows ---------------------------------------------------------------------------

SharedStatus SharedState::status() const {
  SharedStatus s;
  s.node = node_;
  s.endpoint = client_->Describe();
  s.topology = topology_name_;
  // "up" once this node shares: connected, and the seed agreed (until then what it sees is
  // not sent).
  const std::string_view link = client_->state();
  s.link = mismatch_                  ? "seed_mismatch"
           : link == "up" && !joined_ ? "connecting"
                                      : std::string(link);
  s.lag_ms = static_cast<double>(stats_.lag_us) / 1000.0;
  s.queued_bytes = out_.size();
  s.in_flight = client_->in_flight();
  s.servers = client_->stats().servers;
  return s;
}

void SharedState::AppendMetrics(std::string& out) const {
  using core::MetricFamily;
  core::MetricHeader(out, "coastguard_shared_info", "gauge",
                     "This node's name and its Redis, for the shared state.");
  core::MetricSample(out, "coastguard_shared_info",
                     core::Cat("node=\"", node_, "\",redis=\"", client_->Describe(),
                               "\",topology=\"", topology_name_, "\""),
                     1);
  core::MetricHeader(out, "coastguard_shared_link_up", "gauge",
                     "1 when the connection to Redis is up (commands, events).");
  core::MetricSample(out, "coastguard_shared_link_up", "link=\"commands\"",
                     client_->ready() ? 1 : 0);
  core::MetricSample(out, "coastguard_shared_link_up", "link=\"events\"",
                     client_->subscribed() ? 1 : 0);
  MetricFamily(out, "coastguard_shared_joined", "gauge",
               "1 when this node shares the deployment's hash seed and so its state.",
               joined_ ? 1 : 0);
  MetricFamily(out, "coastguard_shared_lag_seconds", "gauge",
               "Age of the last message from another node when it arrived.",
               static_cast<double>(stats_.lag_us) / 1e6);
  MetricFamily(out, "coastguard_shared_queued_bytes", "gauge",
               "Bytes waiting for the next message to the other nodes.",
               static_cast<double>(out_.size()));
  MetricFamily(out, "coastguard_shared_in_flight", "gauge", "Redis requests not yet answered.",
               static_cast<double>(client_->in_flight()));
  MetricFamily(out, "coastguard_shared_published_records_total", "counter",
               "Attempts, outcomes and state changes sent to the other nodes.",
               static_cast<double>(stats_.published_records));
  MetricFamily(out, "coastguard_shared_published_messages_total", "counter",
               "Messages published (one per interval with something to send).",
               static_cast<double>(stats_.published_messages));
  MetricFamily(out, "coastguard_shared_dropped_records_total", "counter",
               "Records not sent because Redis was unreachable (decided alone).",
               static_cast<double>(stats_.dropped_records));
  MetricFamily(out, "coastguard_shared_received_records_total", "counter",
               "Records from other nodes applied here.",
               static_cast<double>(stats_.received_records));
  MetricFamily(out, "coastguard_shared_bad_messages_total", "counter",
               "Messages on the channel that did not decode (logged).",
               static_cast<double>(stats_.bad_messages + stats_.bad_records));
  MetricFamily(out, "coastguard_shared_resyncs_total", "counter",
               "Connections to Redis after which blocks were exchanged.",
               static_cast<double>(stats_.resyncs));
  MetricFamily(out, "coastguard_shared_blocks_pushed_total", "counter",
               "Blocks in force written to Redis at a (re)connect.",
               static_cast<double>(stats_.blocks_pushed));
  MetricFamily(out, "coastguard_shared_blocks_pulled_total", "counter",
               "Blocks read from Redis at a (re)connect.",
               static_cast<double>(stats_.blocks_pulled));
  const ClientStats c = client_->stats();
  MetricFamily(out, "coastguard_shared_redis_commands_total", "counter", "Redis requests sent.",
               static_cast<double>(c.links.commands));
  MetricFamily(out, "coastguard_shared_redis_failures_total", "counter",
               "Redis requests that failed, timed out or were lost with the connection.",
               static_cast<double>(c.links.failed + c.links.refused));
  MetricFamily(out, "coastguard_shared_redis_timeouts_total", "counter",
               "Connections dropped because Redis did not answer within [shared] timeout.",
               static_cast<double>(c.links.timeouts));
  MetricFamily(out, "coastguard_shared_redis_connects_total", "counter",
               "Connections to Redis made ready (the first and every reconnect).",
               static_cast<double>(c.links.connects));
  MetricFamily(out, "coastguard_shared_redis_servers", "gauge",
               "Redis data servers connected now (a Cluster's masters; else 0 or 1).",
               static_cast<double>(c.servers));
  MetricFamily(out, "coastguard_shared_redis_master_changes_total", "counter",
               "New masters followed after a Sentinel failover.",
               static_cast<double>(c.master_changes));
  MetricFamily(out, "coastguard_shared_redis_redirects_total", "counter",
               "MOVED and ASK answers of a Redis Cluster followed.",
               static_cast<double>(c.redirects));
  MetricFamily(out, "coastguard_shared_redis_slot_maps_total", "counter",
               "Redis Cluster slot maps read.", static_cast<double>(c.slot_maps));
}

}  // namespace coastguard::redis
