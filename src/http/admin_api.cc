#include "http/admin_api.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <vector>

#include "core/text.h"
#include "detect/compromise.h"
#include "http/block_request.h"
#include "http/json_reply.h"

namespace coastguard::http {
namespace {

using core::StartsWith;

using core::Timestamp;
using nlohmann::json;
using policy::Block;
using policy::BlockKey;
using policy::Engine;
using policy::RecentDecision;

constexpr core::Duration kDefaultBlockTtl = core::kHour;
constexpr TargetFields kFields{"network", /*login_from_ip=*/false};

json BodyObject(const Request& request) {
  json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  return body.is_object() ? body : json();
}

double Seconds(Timestamp t) { return static_cast<double>(t) / core::kSecond; }

json SourceJson(const Engine& engine, const detect::SourceKey& key, Timestamp now) {
  const detect::Windows& w = engine.config().windows;
  json out = {{"network", key.network.ToString() + "/" + std::to_string(key.bits)}};
  if (const detect::SourceActivity* s = engine.FindSource(key)) {
    out["unfamiliar_failures"] = s->unfamiliar_failures.Estimate(now, w.short_window);
    out["distinct_failed_logins"] = s->failed_logins.Count(now, w.short_window);
    out["distinct_unknown_logins"] = s->unknown_logins.Count(now, w.short_window);
    // Accounts refused here as strangers, presenting client ids: why an id does not vouch here.
    out["distinct_refused_logins"] = s->refused_logins.Count(now, w.short_window);
    out["successes"] = s->successes.Estimate(now, w.long_window);
    out["distinct_successful_logins"] = s->successful_logins.Count(now, w.long_window);
    out["last_seen"] = s->last_seen_s;
  } else {
    out["tracked"] = false;
  }
  return out;
}

std::string_view FamiliarityName(detect::Familiarity f) {
  switch (f) {
    case detect::Familiarity::kNone: return "none";
    case detect::Familiarity::kWidePrefix: return "wide_prefix";
    case detect::Familiarity::kDevice: return "device";
    case detect::Familiarity::kPrefix: return "prefix";
  }
  return "none";
}

json VerdictJson(const core::Verdict& verdict) {
  json reasons = json::array();
  verdict.reasons.ForEach([&](core::Reason r) { reasons.push_back(core::ReasonName(r)); });
  return {{"verdict", core::ActionName(verdict.action)},
          {"delay_ms", verdict.delay_ms},
          {"reasons", reasons}};
}

// A recent decision: its verdict, when, how the client came (protocol, device) and, once
// reported, how the password check went.
json RecentJson(const RecentDecision& d) {
  json entry = VerdictJson(d.verdict);
  entry["ts"] = Seconds(d.ts);
  entry["protocol"] = core::ProtocolName(d.protocol);
  entry["device"] = std::string(d.device_id());
  if (d.has_outcome) entry["outcome"] = core::OutcomeName(d.outcome);
  return entry;
}

// A positive integer query parameter into `out`; absent leaves `out` as it is. False when it is
// there but not a positive integer.
bool PositiveQuery(const Request& request, const char* name, uint64_t& out) {
  const std::string_view q = request.query(name);
  if (q.empty()) return true;
  uint64_t parsed = 0;
  const auto [end, ec] = std::from_chars(q.data(), q.data() + q.size(), parsed);
  if (ec != std::errc() || end != q.data() + q.size() || parsed == 0) return false;
  out = parsed;
  return true;
}

}  // namespace

json BlockJson(const BlockKey& key, const Block& block, Timestamp now) {
  json out = {{"kind", policy::BlockKindName(key.kind)},
              {"subject", block.subject},
              {"reason", core::ReasonName(block.reason)},
              {"scope", policy::BlockScopeName(block.scope)},
              {"offenses", block.offenses},
              {"created", Seconds(block.created)},
              {"expires", Seconds(block.expires)},
              {"active", block.expires > now},
              {"remaining_seconds", block.expires > now ? Seconds(block.expires - now) : 0.0}};
  // The address part as DELETE /v1/blocks takes it back (logins are in the subject).
  if (key.kind != policy::BlockKind::kLogin) {
    out["address"] = key.bits == key.network.family_bits()
                         ? key.network.ToString()
                         : core::Cidr{key.network, key.bits}.ToString();
  }
  return out;
}

json ExplainIp(const Engine& engine, const core::IpAddress& ip, Timestamp now) {
  json out = {{"ip", ip.ToString()}};
  detect::SourceKey levels[3];
  const int n = Engine::SourceLevels(ip, levels);
  json sources = json::array();
  json blocks = json::array();
  for (int i = 0; i < n; ++i) {
    sources.push_back(SourceJson(engine, levels[i], now));
    const BlockKey key = policy::NetworkBlockKey(core::Cidr{levels[i].network, levels[i].bits});
    if (const Block* b = engine.blocks().Entry(key)) blocks.push_back(BlockJson(key, *b, now));
  }
  out["sources"] = sources;
  out["blocks"] = blocks;
  out["proven"] = engine.Proven(ip, now);
  out["allowlisted"] = engine.allows().Allows(ip, 0);
  json recent = json::array();
  for (const RecentDecision& d : engine.recent()) {
    if (d.ip == ip) {
      json entry = RecentJson(d);
      entry["login"] = std::string(d.login_name());
      recent.push_back(entry);
    }
  }
  out["recent_verdicts"] = recent;
  return out;
}

json ExplainLogin(const Engine& engine, std::string_view login, Timestamp now) {
  auto canonical = engine.Canonical(login);
  if (!canonical.ok()) return nullptr;
  const uint64_t digest = engine.LoginDigest(*canonical);
  const detect::Windows& w = engine.config().windows;
  json out = {{"login", *canonical}};
  if (const detect::LoginActivity* a = engine.FindLogin(digest)) {
    out["activity"] = {
        {"unfamiliar_failures", a->failures.Estimate(now, w.short_window)},
        {"distinct_wrong_passwords", a->wrong_pwhashes.Count(now, w.short_window)},
        {"distinct_failing_networks", a->failing_sources.Count(now, w.short_window)}};
  }
  json familiar = json::object();
  if (const auto* record = engine.familiarity().Find(digest)) {
    familiar["sources"] = record->Places();  // its recent addresses are no familiar sources
    familiar["last_success"] = record->last_success_s;
  } else {
    familiar["sources"] = 0;
  }
  out["familiarity"] = familiar;
  json blocks = json::array();
  engine.blocks().ForEach([&](const BlockKey& k, const Block& b) {
    if (k.login == digest) blocks.push_back(BlockJson(k, b, now));
  });
  out["blocks"] = blocks;
  out["allowlisted"] = engine.allows().logins().contains(digest);
  json recent = json::array();
  for (const RecentDecision& d : engine.recent()) {
    if (d.login == digest) {
      json entry = RecentJson(d);
      entry["ip"] = d.ip.ToString();
      entry["familiarity"] = FamiliarityName(d.familiarity);  // as it was then
      recent.push_back(entry);
    }
  }
  out["recent_verdicts"] = recent;
  return out;
}

json ServiceJson(const Engine& engine, Timestamp now) {
  const detect::ServiceAttack& s = engine.service_attack();
  return {{"under_attack", s.UnderAttack(now)},
          {"attack_until", s.UnderAttack(now) ? Seconds(s.attack_until()) : 0.0},
          {"unfamiliar_failures_per_interval", s.unfamiliar_rate(now)},
          {"unfamiliar_failures_baseline", s.unfamiliar_baseline()},
          {"unknown_users_per_interval", s.unknown_rate(now)},
          {"unknown_users_baseline", s.unknown_baseline()},
          {"distinct_failing_sources", s.distinct_failing_sources()},
          {"attacks_started", s.attacks_started()}};
}

Response AdminApi::Handle(const Request& request, std::string_view path) {
  if (path == "/v1/blocks") return Blocks(request);
  if (path == "/v1/allow") return Allows(request);
  if (path == "/v1/service") {
    if (request.method != "GET") return JsonError(405, "use GET");
    json service = ServiceJson(engine_, request.now);
    json shared = {{"enabled", static_cast<bool>(system_.shared)}};
    if (system_.shared) {
      const SharedView s = system_.shared();
      shared["node"] = s.node;
      shared["redis"] = s.redis;
      shared["link"] = s.link;
      shared["lag_ms"] = s.lag_ms;
      shared["queued_bytes"] = s.queued_bytes;
      shared["in_flight"] = s.in_flight;
      shared["topology"] = s.topology;
      shared["servers"] = s.servers;
    }
    service["shared"] = std::move(shared);
    return JsonReply(200, service);
  }
  if (StartsWith(path, "/v1/entities/")) return Entity(request, path.substr(13));
  if (path == "/v1/suspects") return Suspects(request);
  if (path == "/v1/suspects/clear") return ClearSuspect(request);
  if (path == "/v1/history") return History(request);
  if (path == "/v1/system") return System(request);
  return JsonError(404, "no such endpoint; see docs/api.md");
}

Response AdminApi::Blocks(const Request& request) {
  if (request.method == "GET") {
    const bool all = request.query("all") == "1";
    const bool limited = !request.query("limit").empty();
    uint64_t limit = std::numeric_limits<uint64_t>::max();
    if (!PositiveQuery(request, "limit", limit)) {
      return JsonError(400, "limit must be a positive number");
    }
    // The `limit` newest, kept in a heap of that size: a full list (a million blocks) is never
    // copied, and its JSON is never built, to show a page of it.
    using Entry = std::pair<const BlockKey*, const Block*>;
    const auto newer = [](const Entry& a, const Entry& b) {
      return a.second->created > b.second->created;
    };
    std::vector<Entry> newest;
    uint64_t total = 0;
    engine_.blocks().ForEach([&](const BlockKey& key, const Block& block) {
      if (!all && block.expires <= request.now) return;
      ++total;
      if (newest.size() < limit) {
        newest.emplace_back(&key, &block);
        std::push_heap(newest.begin(), newest.end(), newer);
      } else if (block.created > newest.front().second->created) {
        std::pop_heap(newest.begin(), newest.end(), newer);
        newest.back() = {&key, &block};
        std::push_heap(newest.begin(), newest.end(), newer);
      }
    });
    std::sort_heap(newest.begin(), newest.end(), newer);
    json blocks = json::array();
    for (const auto& [key, block] : newest) blocks.push_back(BlockJson(*key, *block, request.now));
    // Without a limit the reply keeps the shape it always had.
    if (limited) return JsonReply(200, {{"blocks", blocks}, {"total", total}});
    return JsonReply(200, {{"blocks", blocks}});
  }
  if (request.method != "POST" && request.method != "DELETE") {
    return JsonError(405, "use GET, POST or DELETE");
  }
  const json body = BodyObject(request);
  if (!body.is_object()) return JsonError(400, "body is not a JSON object");
  if (request.method == "DELETE") {
    auto target = ParseBlockTarget(body, engine_, kFields);
    if (!target.ok()) return JsonError(400, core::Message(target.status()));
    return JsonReply(200, {{"removed", engine_.Unblock(target->key)}});
  }
  auto block = ParseBlockRequest(body, engine_, kFields, "ttl_seconds", kDefaultBlockTtl);
  if (!block.ok()) return JsonError(400, core::Message(block.status()));
  const BlockKey key = block->target.key;
  if (!engine_.OperatorBlock(key, std::move(block->subject), block->ttl, request.now)) {
    return JsonError(507, kBlockListFull);
  }
  return JsonReply(
      201, {{"block", BlockJson(key, *engine_.blocks().Find(key, request.now), request.now)}});
}

Response AdminApi::Allows(const Request& request) {
  if (request.method == "GET") {
    json networks = json::array(), logins = json::array();
    for (const core::Cidr& cidr : engine_.allows().networks()) networks.push_back(cidr.ToString());
    for (const auto& [digest, subject] : engine_.allows().logins()) logins.push_back(subject);
    return JsonReply(200, {{"networks", networks}, {"logins", logins}});
  }
  if (request.method != "POST" && request.method != "DELETE") {
    return JsonError(405, "use GET, POST or DELETE");
  }
  const json body = BodyObject(request);
  if (!body.is_object()) return JsonError(400, "body is not a JSON object");
  auto target = ParseBlockTarget(body, engine_, kFields);
  if (!target.ok()) return JsonError(400, core::Message(target.status()));
  const bool add = request.method == "POST";
  if (target->key.kind == policy::BlockKind::kLogin) {
    engine_.AllowLogin(target->login, add);
  } else {
    engine_.AllowNetwork(target->network, add);
  }
  return JsonReply(add ? 201 : 200, {{"status", "ok"}});
}

Response AdminApi::Suspects(const Request& request) {
  if (request.method != "GET") return JsonError(405, "use GET");
  json suspects = json::array();
  if (outbound_ != nullptr) {
    outbound_->ForEachSuspect(request.now, [&](const detect::LoginEvidence& e) {
      json flags = json::array();
      detect::ForEachEvidenceName(e.flags, [&](const char* name) { flags.push_back(name); });
      suspects.push_back({{"login", e.login},
                          {"since", e.suspicious_s},
                          {"ip", e.ip.ToString()},
                          {"evidence", flags}});
    });
  }
  return JsonReply(200, {{"suspects", suspects}});
}

Response AdminApi::ClearSuspect(const Request& request) {
  if (request.method != "POST") return JsonError(405, "use POST");
  const json body = BodyObject(request);
  const std::string* login = body.is_object() ? StringField(body, "login") : nullptr;
  if (login == nullptr) return JsonError(400, "give the login to clear");
  auto canonical = engine_.Canonical(*login);
  if (!canonical.ok()) return JsonError(400, core::Message(canonical.status()));
  return JsonReply(
      200, {{"cleared", engine_.ClearSuspect(engine_.LoginDigest(*canonical), request.now)}});
}

Response AdminApi::Entity(const Request& request, std::string_view rest) {
  if (request.method != "GET") return JsonError(405, "use GET");
  if (StartsWith(rest, "ip/")) {
    const auto ip = core::IpAddress::Parse(rest.substr(3));
    if (!ip) return JsonError(400, "bad ip");
    return JsonReply(200, ExplainIp(engine_, *ip, request.now));
  }
  if (StartsWith(rest, "login/")) {
    json explained = ExplainLogin(engine_, rest.substr(6), request.now);
    if (explained.is_null()) return JsonError(400, "bad login");
    if (breached_ != nullptr) {
      const breach::BreachedLogin* b = breached_->Find(explained["login"].get<std::string>());
      explained["breach"] =
          b == nullptr
              ? json{{"breached", false}}
              : json{{"breached", true},
                     {"breach_count", b->breach_count},
                     {"first_seen", Seconds(b->first_seen)},
                     {"last_seen", Seconds(b->last_seen)},
                     {"logins", b->logins},
                     {"last_ip", b->last_ip},
                     {"last_service", b->last_service},
                     {"notified", b->notified == 0 ? json(nullptr) : json(Seconds(b->notified))}};
    }
    return JsonReply(200, explained);
  }
  return JsonError(404, "entities are ip/{ip} or login/{login}");
}

}  // namespace coastguard::http

namespace coastguard::http {

Response AdminApi::History(const Request& request) {
  if (request.method != "GET") return JsonError(405, "use GET");
  uint64_t asked = 180;
  if (!PositiveQuery(request, "minutes", asked)) {
    return JsonError(400, "minutes must be a positive number");
  }
  size_t minutes = static_cast<size_t>(std::min<uint64_t>(asked, 1u << 20));
  json out = json::object();
  json series = json::object();
  for (std::string_view name : history::kSeriesNames) series[std::string(name)] = json::array();
  json starts = json::array();
  if (timeline_ != nullptr) {
    minutes = std::min(minutes, timeline_->minutes());
    timeline_->ForEachMinute(request.now, minutes, [&](int64_t minute, const auto& counts) {
      starts.push_back(minute * 60);
      for (size_t i = 0; i < counts.size(); ++i) {
        series[std::string(history::kSeriesNames[i])].push_back(counts[i]);
      }
    });
  }
  out["minute_starts"] = starts;
  out["series"] = series;
  json episodes = json::array();
  json top_sources = json::array(), top_prefixes = json::array(), top_logins = json::array();
  if (timeline_ != nullptr) {
    const Timestamp from = request.now - static_cast<Timestamp>(minutes) * core::kMinute;
    for (const history::AttackEpisode& e : timeline_->episodes()) {
      if (e.end >= from) episodes.push_back({{"start", Seconds(e.start)}, {"end", Seconds(e.end)}});
    }
    const auto list = [](const std::vector<history::TopEntry>& entries) {
      json a = json::array();
      for (const auto& e : entries) a.push_back({{"subject", e.subject}, {"count", e.count}});
      return a;
    };
    top_sources = list(timeline_->TopRefusedSources(10));
    top_prefixes = list(timeline_->TopRefusedPrefixes(10));
    top_logins = list(timeline_->TopTargetedLogins(10));
  }
  out["attack_episodes"] = episodes;
  out["top_refused_sources"] = top_sources;
  out["top_refused_prefixes"] = top_prefixes;
  out["top_targeted_logins"] = top_logins;
  out["service"] = ServiceJson(engine_, request.now);
  return JsonReply(200, out);
}

Response AdminApi::System(const Request& request) {
  if (request.method != "GET") return JsonError(405, "use GET");
  json breach = {{"enabled", system_.breach != nullptr}};
  if (const breach::Database* db = system_.breach) {
    breach["directory"] = db->dir();
    for (const auto& [name, kind] :
         {std::pair{"sha1", breach::HashKind::kSha1}, std::pair{"ntlm", breach::HashKind::kNtlm}}) {
      breach[name] = {{"available", db->available(kind)},
                      {"hashes", db->available(kind) ? db->entries(kind) : 0},
                      {"range_api", db->has_range(kind)}};
    }
  }
  json files = json::array();
  if (system_.files != nullptr) {
    for (const io::LogFollower::FileState& f : system_.files->Files()) {
      files.push_back({{"path", f.path},
                       {"offset", f.offset},
                       {"size", f.size},
                       {"lag_bytes", f.size > f.offset ? f.size - f.offset : 0}});
    }
  }
  json journals = json::array();
  for (const io::JournalFollower* j : system_.journals) {
    journals.push_back({{"unit", j->unit()}, {"entries", j->entries()}});
  }
  json logs = {{"files", files}, {"journals", journals}};
  if (system_.log_guard != nullptr) {
    logs["attempts"] = system_.log_guard->attempts();
    logs["refused"] = system_.log_guard->refused();
  }
  return JsonReply(200, {{"breach", breach}, {"logs", logs}});
}

}  // namespace coastguard::http
