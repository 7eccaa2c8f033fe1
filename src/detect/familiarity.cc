#include "detect/familiarity.h"

#include <algorithm>

#include "core/digest.h"

namespace coastguard::detect {
namespace {

// Distinct constants keep the digest of a /24 apart from the digest of an exact IP etc.
constexpr uint64_t kIpTag = 0x1d;
constexpr uint64_t kPrefixTag = 0x2e;
constexpr uint64_t kWideTag = 0x3f;
constexpr uint64_t kDeviceTag = 0x4a;

uint64_t AddressDigest(const core::IpAddress& ip, uint64_t tag) {
  return core::Digest64(ip.bytes().data(), ip.bytes().size(), tag);
}

}  // namespace

uint64_t FamiliarityStore::IpSource(const core::IpAddress& ip) { return AddressDigest(ip, kIpTag); }
uint64_t FamiliarityStore::PrefixSource(const core::IpAddress& ip) {
  return AddressDigest(ip.Masked(ip.is_v4() ? 24 : 64), kPrefixTag);
}
uint64_t FamiliarityStore::WideSource(const core::IpAddress& ip) {
  return AddressDigest(ip.Masked(ip.is_v4() ? 16 : 48), kWideTag);
}
uint64_t FamiliarityStore::DeviceSource(uint64_t device) { return core::Mix64(device, kDeviceTag); }

FamiliarityStore::FamiliarityStore(const FamiliaritySettings& settings)
    : settings_(settings), logins_(settings.max_logins) {
  logins_.set_on_evict([this](uint64_t, const Record& r) { entries_ -= r.sources.size(); });
}

bool FamiliarityStore::Upsert(Record& record, uint64_t digest, uint32_t now_s, Source* changed) {
  const auto refresh_s = static_cast<uint32_t>(settings_.refresh / core::kSecond);
  for (Source& s : record.sources) {
    if (s.digest != digest) continue;
    if (now_s < s.last_success_s + refresh_s) return false;
    s.last_success_s = now_s;
    *changed = s;
    return true;
  }
  if (record.sources.size() < settings_.max_sources_per_login) {
    record.sources.push_back({digest, now_s});
    ++entries_;
    *changed = record.sources.back();
    return true;
  }
  // Full: replace the source used longest ago.
  auto oldest = std::min_element(
      record.sources.begin(), record.sources.end(),
      [](const Source& a, const Source& b) { return a.last_success_s < b.last_success_s; });
  *oldest = {digest, now_s};
  *changed = *oldest;
  return true;
}

void FamiliarityStore::Learn(uint64_t login, const core::IpAddress& ip, uint64_t device,
                             Timestamp now, std::vector<Change>* changes) {
  Record* record = &logins_.FindOrInsert(login, now);
  const uint32_t now_s = core::ToSeconds(now);
  record->last_success_s = std::max(record->last_success_s, now_s);
  const uint64_t digests[4] = {IpSource(ip), PrefixSource(ip), WideSource(ip),
                               device != 0 ? DeviceSource(device) : 0};
  for (const uint64_t digest : digests) {
    if (digest == 0) continue;
    Source changed;
    if (Upsert(*record, digest, now_s, &changed) && changes != nullptr) {
      changes->push_back({login, changed});
    }
  }
}

Familiarity FamiliarityStore::Lookup(uint64_t login, const core::IpAddress& ip, uint64_t device,
                                     Timestamp now) const {
  const Record* record = logins_.Find(login);
  if (record == nullptr) return Familiarity::kNone;
  const uint32_t oldest_s = core::ToSeconds(std::max<Timestamp>(now - settings_.ttl, 0));
  const uint64_t ip_digest = IpSource(ip);
  const uint64_t prefix_digest = PrefixSource(ip);
  const uint64_t wide_digest = WideSource(ip);
  const uint64_t device_digest = device != 0 ? DeviceSource(device) : 1;
  Familiarity best = Familiarity::kNone;
  for (const Source& s : record->sources) {
    if (s.last_success_s < oldest_s) continue;
    Familiarity f = Familiarity::kNone;
    if (s.digest == ip_digest) f = Familiarity::kIp;
    else if (s.digest == prefix_digest) f = Familiarity::kPrefix;
    else if (s.digest == device_digest) f = Familiarity::kDevice;
    else if (s.digest == wide_digest) f = Familiarity::kWidePrefix;
    best = std::max(best, f);
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
