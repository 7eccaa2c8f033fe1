#include "policy/explain.h"

namespace coastguard::policy {
namespace {

using nlohmann::json;

double Seconds(Timestamp t) { return static_cast<double>(t) / core::kSecond; }

json SourceJson(const Engine& engine, const detect::SourceKey& key, Timestamp now) {
  const detect::Windows& w = engine.config().windows;
  json out = {{"network", key.network.ToString() + "/" + std::to_string(key.bits)}};
  if (const detect::SourceActivity* s = engine.FindSource(key)) {
    out["unfamiliar_failures"] = s->unfamiliar_failures.Estimate(now, w.short_window);
    out["distinct_failed_logins"] = s->failed_logins.Count(now, w.short_window);
    out["distinct_unknown_logins"] = s->unknown_logins.Count(now, w.short_window);
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

}  // namespace

json VerdictJson(const core::Verdict& verdict) {
  json reasons = json::array();
  verdict.reasons.ForEach([&](core::Reason r) { reasons.push_back(core::ReasonName(r)); });
  return {{"verdict", core::ActionName(verdict.action)},
          {"delay_ms", verdict.delay_ms},
          {"reasons", reasons}};
}

json BlockJson(const BlockKey& key, const Block& block, Timestamp now) {
  return {{"kind", BlockKindName(key.kind)},
          {"subject", block.subject},
          {"reason", core::ReasonName(block.reason)},
          {"scope", BlockScopeName(block.scope)},
          {"offenses", block.offenses},
          {"created", Seconds(block.created)},
          {"expires", Seconds(block.expires)},
          {"active", block.expires > now},
          {"remaining_seconds", block.expires > now ? Seconds(block.expires - now) : 0.0}};
}

json ExplainIp(const Engine& engine, const core::IpAddress& ip, Timestamp now) {
  json out = {{"ip", ip.ToString()}};
  detect::SourceKey levels[3];
  const int n = Engine::SourceLevels(ip, levels);
  json sources = json::array();
  json blocks = json::array();
  for (int i = 0; i < n; ++i) {
    sources.push_back(SourceJson(engine, levels[i], now));
    const BlockKey key = NetworkBlockKey(core::Cidr{levels[i].network, levels[i].bits});
    if (const Block* b = engine.blocks().Entry(key)) blocks.push_back(BlockJson(key, *b, now));
  }
  out["sources"] = sources;
  out["blocks"] = blocks;
  out["proven"] = engine.Proven(ip, now);
  out["allowlisted"] = engine.allows().Allows(ip, 0);
  json recent = json::array();
  for (const RecentDecision& d : engine.recent()) {
    if (d.ip == ip) {
      json entry = VerdictJson(d.verdict);
      entry["ts"] = Seconds(d.ts);
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
    familiar["sources"] = record->sources.size();
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
      json entry = VerdictJson(d.verdict);
      entry["ts"] = Seconds(d.ts);
      entry["ip"] = d.ip.ToString();
      entry["familiarity"] = FamiliarityName(engine.familiarity().Lookup(digest, d.ip, 0, now));
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

}  // namespace coastguard::policy
