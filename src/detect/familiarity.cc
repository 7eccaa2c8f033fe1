#include "detect/familiarity.h"

#include <algorithm>

#include "core/digest.h"

namespace coastguard::detect {
namespace {

// Distinct constants keep the digest of a /24 apart from the digest of an exact IP etc.
constexpr uint64_t kPrefixTag = 0x2e;
constexpr uint64_t kWideTag = 0x3f;
constexpr uint64_t kDeviceTag = 0x4a;

// Seconds a source is kept past its last success, per repeat visit, when a login's list is full.
constexpr int64_t kRetentionPerHit = 86400;
// A wide prefix counts once the login has succeeded from this many prefixes inside it: a phone
// roaming in its carrier's pool, not a home connection whose neighbours may be proxies.
constexpr uint16_t kMinWideSpread = 2;

int64_t Retention(const FamiliarityStore::Source& s) {
  return static_cast<int64_t>(s.last_success_s) + std::min<int64_t>(s.hits, 30) * kRetentionPerHit;
}

uint64_t AddressDigest(const core::IpAddress& ip, uint64_t tag) {
  return core::Digest64(ip.bytes().data(), ip.bytes().size(), tag);
}

}  // namespace

uint64_t FamiliarityStore::PrefixSource(const core::IpAddress& ip) {
  return AddressDigest(ip.Masked(ip.is_v4() ? 24 : 64), kPrefixTag);
}
uint64_t FamiliarityStore::WideSource(const core::IpAddress& ip) {
  // IPv4 /16 and IPv6 /32: roughly one provider's pool, where a phone's address wanders.
  return AddressDigest(ip.Masked(ip.is_v4() ? 16 : 32), kWideTag);
}
uint64_t FamiliarityStore::DeviceSource(uint64_t device) { return core::Mix64(device, kDeviceTag); }

FamiliarityStore::SourceDigests FamiliarityStore::SourceDigests::Of(const core::IpAddress& ip,
                                                                    uint64_t device) {
  return {PrefixSource(ip), WideSource(ip), device != 0 ? DeviceSource(device) : 0};
}

const FamiliarityStore::Source* FamiliarityStore::FindSource(const Record& record,
                                                             uint64_t digest) {
  for (const Source& s : record.sources) {
    if (s.digest == digest) return &s;
  }
  return nullptr;
}

FamiliarityStore::FamiliarityStore(const FamiliaritySettings& settings)
    : settings_(settings), logins_(settings.max_logins) {
  logins_.set_on_evict([this](uint64_t, const Record& r) { entries_ -= r.sources.size(); });
}

FamiliarityStore::UpsertResult FamiliarityStore::Upsert(Record& record, uint64_t digest,
                                                        uint32_t now_s, HitRule rule,
                                                        Source* changed) {
  const auto refresh_s = static_cast<uint32_t>(settings_.refresh / core::kSecond);
  auto& sources = record.sources;
  for (auto it = sources.begin(); it != sources.end(); ++it) {
    if (it->digest != digest) continue;
    const bool refresh = now_s >= it->last_success_s + refresh_s;
    const bool hit = rule == HitRule::kExtraHit || (refresh && rule == HitRule::kHitOnRefresh);
    if (!refresh && !hit) return UpsertResult::kUnchanged;
    it->last_success_s = now_s;
    if (hit && it->hits < UINT16_MAX) ++it->hits;
    *changed = *it;
    // Move to front: lookups scan from the front and stop at the first prefix match, so the
    // places a login uses now should come first.
    std::rotate(sources.begin(), it, it + 1);
    return UpsertResult::kUpdated;
  }
  if (sources.size() < settings_.max_sources_per_login) {
    sources.insert(sources.begin(), Source{digest, now_s, 1});
    ++entries_;
    *changed = sources.front();
    return UpsertResult::kInserted;
  }
  // Full: replace the source that matters least.
  auto victim = std::min_element(
      sources.begin(), sources.end(),
      [](const Source& a, const Source& b) { return Retention(a) < Retention(b); });
  *victim = {digest, now_s, 1};
  *changed = *victim;
  std::rotate(sources.begin(), victim, victim + 1);
  return UpsertResult::kInserted;
}

void FamiliarityStore::Learn(uint64_t login, const SourceDigests& where, Timestamp now,
                             std::vector<Change>* changes) {
  Record* record = &logins_.FindOrInsert(login, now);
  const uint32_t now_s = core::ToSeconds(now);
  record->last_success_s = std::max(record->last_success_s, now_s);
  Source changed;
  auto upsert = [&](uint64_t digest, HitRule rule) {
    const UpsertResult result = Upsert(*record, digest, now_s, rule, &changed);
    if (result != UpsertResult::kUnchanged && changes != nullptr) {
      changes->push_back({login, changed});
    }
    return result;
  };
  // Device and wide prefix first, so that the prefix ends up at the very front.
  if (where.device != 0) upsert(where.device, HitRule::kHitOnRefresh);
  const bool new_prefix = FindSource(*record, where.prefix) == nullptr;
  // A wide prefix's hits count the distinct prefixes seen inside it: how much this login roams
  // in that provider's pool.
  upsert(where.wide, new_prefix ? HitRule::kExtraHit : HitRule::kNoHit);
  upsert(where.prefix, HitRule::kHitOnRefresh);
}

Familiarity FamiliarityStore::Lookup(uint64_t login, const SourceDigests& where,
                                     Timestamp now) const {
  const Record* record = logins_.Find(login);
  if (record == nullptr) return Familiarity::kNone;
  const uint32_t oldest_s = core::ToSeconds(std::max<Timestamp>(now - settings_.ttl, 0));
  // Digest 0 never matches: a missing device id cannot look familiar.
  const uint64_t device_digest = where.device != 0 ? where.device : 1;
  Familiarity best = Familiarity::kNone;
  for (const Source& s : record->sources) {
    if (s.last_success_s < oldest_s) continue;
    Familiarity f = Familiarity::kNone;
    if (s.digest == where.prefix)
      f = Familiarity::kPrefix;
    else if (s.digest == device_digest)
      f = Familiarity::kDevice;
    else if (s.digest == where.wide && s.hits >= kMinWideSpread)
      f = Familiarity::kWidePrefix;
    best = std::max(best, f);
    if (best == Familiarity::kPrefix) break;  // nothing is stronger
  }
  return best;
}

void FamiliarityStore::Restore(uint64_t login, const Source& source) {
  const Timestamp at = core::FromSeconds(source.last_success_s);
  Record& record = logins_.FindOrInsert(login, at);
  record.last_success_s = std::max(record.last_success_s, source.last_success_s);
  for (Source& s : record.sources) {
    if (s.digest == source.digest) {
      s.last_success_s = std::max(s.last_success_s, source.last_success_s);
      s.hits = std::max(s.hits, source.hits);
      return;
    }
  }
  if (record.sources.size() < settings_.max_sources_per_login) {
    record.sources.push_back(source);
    ++entries_;
  }
}

size_t FamiliarityStore::MemoryBytes() const {
  return logins_.MemoryBytes() + entries_ * sizeof(Source);
}

}  // namespace coastguard::detect
