#include "detect/familiarity.h"

#include <algorithm>

#include "core/digest.h"

namespace coastguard::detect {
namespace {

// Distinct constants keep the digest of a /24 apart from the digest of an exact IP etc.
constexpr uint64_t kPrefixTag = 0x2e;
constexpr uint64_t kWideTag = 0x3f;
constexpr uint64_t kDeviceTag = 0x4a;
constexpr uint64_t kHabitTag = 0x5b;
constexpr uint64_t kAddressTag = 0x6c;
constexpr uint64_t kSettledTag = 0x7d;

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
uint64_t FamiliarityStore::AddressSource(const core::IpAddress& ip) {
  return AddressDigest(ip, kAddressTag);
}
uint64_t FamiliarityStore::SettledSource(uint64_t address_source) {
  return core::Mix64(address_source, kSettledTag);  // cheaper than hashing the address again
}

uint64_t FamiliarityStore::DeviceSource(uint64_t device) { return core::Mix64(device, kDeviceTag); }

uint64_t FamiliarityStore::HabitSource(core::Protocol protocol, bool identified) {
  // SMTP AUTH and submission are one habit: the same mail client sends through either.
  const core::Protocol kind =
      protocol == core::Protocol::kSubmission ? core::Protocol::kSmtp : protocol;
  return core::Mix64(static_cast<uint64_t>(kind) * 2 + (identified ? 1 : 0), kHabitTag);
}

FamiliarityStore::SourceDigests FamiliarityStore::SourceDigests::Of(const core::IpAddress& ip,
                                                                    uint64_t device,
                                                                    core::Protocol protocol) {
  SourceDigests d;
  d.prefix = PrefixSource(ip);
  d.wide = WideSource(ip);
  d.device = device != 0 ? DeviceSource(device) : 0;
  d.identified_habit = HabitSource(protocol, true);
  d.anonymous_habit = HabitSource(protocol, false);
  d.habit = device != 0 ? d.identified_habit : d.anonymous_habit;
  d.address = AddressSource(ip);
  d.settled = SettledSource(d.address);
  return d;
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
  logins_.set_on_evict([this](uint64_t, const Record& r) {
    entries_ -= r.sources.size();
    source_heap_ -= SourceHeap(r);
  });
}

void FamiliarityStore::KeepWithinBytes(Timestamp now) {
  while (settings_.max_bytes != 0 && logins_.size() > 1 && MemoryBytes() > settings_.max_bytes) {
    logins_.EvictOne(now);
  }
}

FamiliarityStore::UpsertResult FamiliarityStore::Upsert(Record& record, uint64_t digest,
                                                        uint32_t now_s, HitRule rule,
                                                        Source* changed) {
  const auto refresh_s = static_cast<uint32_t>(settings_.refresh / core::kSecond);
  auto& sources = record.sources;
  size_t addresses = 0;
  for (auto it = sources.begin(); it != sources.end(); ++it) {
    addresses += it->is_address();
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
  // The login's recent addresses come on top of max_sources_per_login: an address never takes
  // the place of a place, device or habit, nor the other way round.
  if (sources.size() - addresses < settings_.max_sources_per_login) {
    sources.insert(sources.begin(), Source{digest, now_s, 1});
    ++entries_;
    *changed = sources.front();
    return UpsertResult::kInserted;
  }
  // Full: replace the source that matters least.
  auto victim =
      std::min_element(sources.begin(), sources.end(), [](const Source& a, const Source& b) {
        if (a.is_address() || b.is_address()) {
          return b.is_address() && !a.is_address();
        }
        return Retention(a) < Retention(b);
      });
  *victim = {digest, now_s, 1};
  *changed = *victim;
  std::rotate(sources.begin(), victim, victim + 1);
  return UpsertResult::kInserted;
}

FamiliarityStore::UpsertResult FamiliarityStore::NoteAddress(Record& record, uint64_t digest,
                                                             uint32_t now_s, uint32_t report_s,
                                                             Source* changed) {
  auto& sources = record.sources;
  Source* least_recent = nullptr;
  size_t addresses = 0;
  for (Source& s : sources) {
    if (!s.is_address()) continue;
    if (s.digest == digest) {
      // Kept exact in memory (which of the eight goes next depends on it); journaled only after
      // a pause of a refresh period, so an address in use all day is written once (a snapshot
      // writes its exact time).
      const bool report = s.last_success_s < report_s;
      s.last_success_s = std::max(s.last_success_s, now_s);
      if (!report) return UpsertResult::kUnchanged;
      *changed = s;
      return UpsertResult::kUpdated;
    }
    ++addresses;
    if (least_recent == nullptr || s.last_success_s < least_recent->last_success_s) {
      least_recent = &s;
    }
  }
  const Source added{digest, now_s, kAddressHits};
  if (addresses >= kRecentAddresses) {
    *least_recent = added;
  } else {
    sources.push_back(added);  // at the back: places come first in the list
    ++entries_;
  }
  *changed = added;
  return UpsertResult::kInserted;
}

void FamiliarityStore::Learn(uint64_t login, const SourceDigests& where, Timestamp now,
                             std::vector<Change>* changes) {
  Record* record = &logins_.FindOrInsert(login, now);
  const size_t heap_before = SourceHeap(*record);
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
  // Habit, device and wide prefix first, so that the prefix ends up at the very front.
  if (where.habit != 0) upsert(where.habit, HitRule::kHitOnRefresh);
  if (where.device != 0) upsert(where.device, HitRule::kHitOnRefresh);
  const bool new_prefix = FindSource(*record, where.prefix) == nullptr;
  // A wide prefix's hits count the distinct prefixes seen inside it: how much this login roams
  // in that provider's pool.
  upsert(where.wide, new_prefix ? HitRule::kExtraHit : HitRule::kNoHit);
  upsert(where.prefix, HitRule::kHitOnRefresh);
  if (where.address != 0) {
    const auto refresh_s = static_cast<uint32_t>(settings_.refresh / core::kSecond);
    // Back at one of its recent addresses after a pause: the office's or the home's NAT, which
    // a phone's address in its carrier's pool seldom is (it moves on within the hour). Asked
    // before NoteAddress below gives the address this success's time.
    const Source* address = nullptr;
    const Source* settled = nullptr;
    for (const Source& s : record->sources) {  // one pass: this runs on every success
      if (s.digest == where.address) address = &s;
      if (s.digest == where.settled) settled = &s;
    }
    const auto pause_s = static_cast<uint32_t>(kSettledAfter / core::kSecond);
    if (settled != nullptr ? now_s >= settled->last_success_s + refresh_s
                           : address != nullptr && address->last_success_s + pause_s <= now_s) {
      upsert(where.settled, HitRule::kHitOnRefresh);
    }
    const uint32_t report_s = now_s >= refresh_s ? now_s - refresh_s + 1 : 0;
    if (NoteAddress(*record, where.address, now_s, report_s, &changed) !=
            UpsertResult::kUnchanged &&
        changes != nullptr) {
      changes->push_back({login, changed});
    }
  }
  source_heap_ += SourceHeap(*record) - heap_before;
  // The record itself is the most recent use: it keeps the highest retention and is not the
  // one a byte eviction picks (pointers into the map are not used after this).
  KeepWithinBytes(now);
}

Recognition FamiliarityStore::Recognize(uint64_t login, const SourceDigests& where,
                                        Timestamp now) const {
  Recognition out;
  const Record* record = logins_.Find(login);
  if (record == nullptr) return out;
  const uint32_t oldest_s = core::ToSeconds(std::max<Timestamp>(now - settings_.ttl, 0));
  // Digest 0 never matches: a missing device id cannot look familiar.
  const uint64_t device_digest = where.device != 0 ? where.device : 1;
  bool identifies = false, anonymous = false, device_matched = false, wide_matched = false;
  for (const Source& s : record->sources) {
    if (s.last_success_s < oldest_s) continue;
    out.known = true;
    if (s.is_address()) {  // matters only as this very address
      out.recent_address |= s.digest == where.address;
      continue;
    }
    if (s.digest == where.settled) {
      out.settled_address = true;
      continue;
    }
    Familiarity f = Familiarity::kNone;
    if (s.digest == where.prefix) {
      f = Familiarity::kPrefix;
    } else if (s.digest == device_digest) {
      f = Familiarity::kDevice;
      device_matched = true;
    } else if (s.digest == where.wide) {
      // Any success in the /16 or /32 counts beside the owner's own device; alone, only a
      // login that roams there.
      wide_matched = true;
      if (s.hits >= kMinWideSpread) f = Familiarity::kWidePrefix;
    } else if (s.digest == where.identified_habit && s.hits >= kHabitHits) {
      identifies = true;
    } else if (s.digest == where.anonymous_habit) {
      anonymous = true;
    }
    out.familiarity = std::max(out.familiarity, f);
  }
  // The owner's client in the owner's provider's pool: what a phone moving to a new CGNAT
  // address looks like, and what a thief needs two things for.
  if (device_matched && wide_matched) out.familiarity = Familiarity::kPrefix;
  if (device_matched) {
    out.device = DeviceView::kMatch;
  } else if (identifies && !anonymous) {
    out.device = where.device != 0 ? DeviceView::kNew : DeviceView::kMissing;
  } else if (identifies && where.device != 0) {
    // A login that uses clients with and without ids: an unseen id is still a new device.
    out.device = DeviceView::kNew;
  }
  return out;
}

void FamiliarityStore::Restore(uint64_t login, const Source& source) {
  const Timestamp at = core::FromSeconds(source.last_success_s);
  Record& record = logins_.FindOrInsert(login, at);
  record.last_success_s = std::max(record.last_success_s, source.last_success_s);
  if (source.is_address()) {  // eight at most, whatever the journal held over time
    const size_t heap_before = SourceHeap(record);
    Source changed;
    NoteAddress(record, source.digest, source.last_success_s, 0, &changed);
    source_heap_ += SourceHeap(record) - heap_before;
    KeepWithinBytes(at);
    return;
  }
  for (Source& s : record.sources) {
    if (s.digest == source.digest) {
      s.last_success_s = std::max(s.last_success_s, source.last_success_s);
      s.hits = std::max(s.hits, source.hits);
      return;
    }
  }
  if (record.Places() < settings_.max_sources_per_login) {
    const size_t heap_before = SourceHeap(record);
    record.sources.push_back(source);
    ++entries_;
    source_heap_ += SourceHeap(record) - heap_before;
    KeepWithinBytes(at);
  }
}

size_t FamiliarityStore::MemoryBytes() const { return logins_.MemoryBytes() + source_heap_; }

}  // namespace coastguard::detect
