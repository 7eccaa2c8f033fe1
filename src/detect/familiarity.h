#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/auth_event.h"
#include "core/ip_address.h"
#include "core/time.h"
#include "counters/bounded_map.h"

namespace coastguard::detect {

using core::Duration;
using core::Timestamp;

// How well a login knows where an attempt comes from, weakest first.
enum class Familiarity : uint8_t {
  kNone,        // never succeeded from anywhere near here, nor with this device
  kWidePrefix,  // roams in this IPv4 /16 or IPv6 /32: succeeded from several prefixes in it
  kDevice,      // succeeded with the same client id (a traveller's own phone)
  kPrefix,      // succeeded from the same IPv4 /24 or IPv6 /64 (or this very address)
};

// Familiar enough that source-wide blocks do not apply and failures are not guessing evidence.
inline bool IsFamiliar(Familiarity f) { return f >= Familiarity::kPrefix; }

// What the attempt's client id says against the login's habits on the attempt's protocol.
enum class DeviceView : uint8_t {
  kNoInfo,   // the login does not (always) identify on this protocol, or nothing is known yet
  kMatch,    // a client id this login succeeded with before
  kNew,      // an id this login never used, where it does identify
  kMissing,  // no id, where this login has always identified (what a stolen password brings)
};

// Everything a lookup finds out, in one pass over the login's sources.
struct Recognition {
  Familiarity familiarity = Familiarity::kNone;
  DeviceView device = DeviceView::kNoInfo;
  bool known = false;  // the login has succeeded somewhere before (within the TTL)
  // This very address is one of the last few the login succeeded from.
  bool recent_address = false;
  // This very address is one the login came back to after a pause (kSettledAfter): its office's
  // or home's, not one of a carrier's pool it passed through.
  bool settled_address = false;
};

struct FamiliaritySettings {
  size_t max_logins = 1'000'000;
  size_t max_bytes = 0;  // 0: no byte bound (logins' source lists vary; the count alone is not)
  size_t max_sources_per_login = 32;
  Duration ttl = 60 * core::kDay;  // a source unused this long is forgotten
  // A source's last-success time is rewritten (and journaled) at most this often.
  Duration refresh = core::kHour;
  // A known account sending from a place it is not familiar with, without its own client id,
  // or with a client id that never got in on it before, is refused before the password
  // check (`stranger_sending`, policy::Engine).
  bool refuse_stranger_sends = true;
};

// max_logins and max_bytes are sized from the memory budget by the engine, not configured.
template <typename V>
void DescribeSettings(V& v, FamiliaritySettings& s) {
  v.Table("familiarity");
  v.Duration("ttl", s.ttl, core::kHour);
  v.Duration("refresh", s.refresh, core::kSecond);
  v.Integer("max_sources_per_login", s.max_sources_per_login, 4, 256);
  v.Boolean("refuse_stranger_sends", s.refuse_stranger_sends);
}

// Where each login has logged in successfully before: a bounded list of sources (prefix, wide
// prefix, device, habit, an address it settled at) per login, each with its last success, aging
// out after `ttl`.
// When a login's list is full, the source with the lowest retention goes: last success plus a
// day per repeat visit, so a home seen every evening outlives the one-off addresses a phone
// picks up from its carrier's pool. Places are prefixes: the /24 (or /64, which also survives
// IPv6 privacy addresses changing daily). Exact addresses are kept as the last kRecentAddresses
// a login succeeded from (address sources, persisted like the rest), for the one question
// whether an address is among them, and as settled addresses, ordinary sources. Keyed by login
// digest. Not thread-safe: owned by the engine.
class FamiliarityStore {
 public:
  // An address source counts no hits: 0 marks it, in memory and in the journal alike.
  static constexpr uint16_t kAddressHits = 0;
  struct Source {
    uint64_t digest = 0;
    uint32_t last_success_s = 0;
    uint16_t hits = 1;  // successes seen, counted at most once per refresh period; saturates
    bool is_address() const { return hits == kAddressHits; }
  };
  // Address sources kept per login, the least recent replaced. Eight: a phone on a carrier's
  // pool takes a new address every few connections, and the office PC's address must outlast
  // the phone's between two of the PC's logins.
  static constexpr size_t kRecentAddresses = 8;
  struct Record {
    std::vector<Source> sources;
    uint32_t last_success_s = 0;
    int64_t Retention(Timestamp) const { return last_success_s; }
    // Its places, devices, habits and settled addresses: the sources other than its recent
    // addresses.
    size_t Places() const {
      return static_cast<size_t>(std::count_if(sources.begin(), sources.end(),
                                               [](const Source& s) { return !s.is_address(); }));
    }
  };
  // One changed (login, source) pair, for the persistence journal.
  struct Change {
    uint64_t login;
    Source source;
  };

  // The digests an attempt is looked up and learned under, computed once per attempt.
  // A habit is a pseudo-source "succeeded on this protocol with a client id" (or without one):
  // whether a login identifies itself on a protocol, learned and aged like any place.
  struct SourceDigests {
    uint64_t prefix = 0;
    uint64_t wide = 0;
    uint64_t device = 0;            // 0 when the client sent no id
    uint64_t habit = 0;             // this attempt's: its protocol, with or without an id
    uint64_t identified_habit = 0;  // its protocol, with an id
    uint64_t anonymous_habit = 0;   // its protocol, without
    uint64_t address = 0;           // the exact address's source
    uint64_t settled = 0;           // the exact address, as one the login came back to
    static SourceDigests Of(const core::IpAddress& ip, uint64_t device,
                            core::Protocol protocol = core::Protocol::kOther);
  };

  explicit FamiliarityStore(const FamiliaritySettings& settings);
  FamiliarityStore(const FamiliarityStore&) = delete;  // the eviction hook points at this
  FamiliarityStore& operator=(const FamiliarityStore&) = delete;

  // Records a success; appends to `changes` what is new or refreshed.
  void Learn(uint64_t login, const SourceDigests& where, Timestamp now,
             std::vector<Change>* changes);
  Familiarity Lookup(uint64_t login, const SourceDigests& where, Timestamp now) const {
    return Recognize(login, where, now).familiarity;
  }
  // The familiarity, and what the client id says against the login's habits.
  Recognition Recognize(uint64_t login, const SourceDigests& where, Timestamp now) const;
  // Conveniences that compute the digests.
  void Learn(uint64_t login, const core::IpAddress& ip, uint64_t device, Timestamp now,
             std::vector<Change>* changes) {
    Learn(login, SourceDigests::Of(ip, device), now, changes);
  }
  Familiarity Lookup(uint64_t login, const core::IpAddress& ip, uint64_t device,
                     Timestamp now) const {
    return Lookup(login, SourceDigests::Of(ip, device), now);
  }
  // Puts back one persisted pair (startup).
  void Restore(uint64_t login, const Source& source);

  size_t logins() const { return logins_.size(); }
  size_t capacity() const { return logins_.capacity(); }
  size_t entries() const { return entries_; }
  uint64_t evictions() const { return logins_.evictions(); }
  size_t MemoryBytes() const;
  const Record* Find(uint64_t login) const { return logins_.Find(login); }
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    logins_.ForEach(fn);
  }

  // Source digests of an address and a device, shared with persistence and explain.
  static uint64_t PrefixSource(const core::IpAddress& ip);
  static uint64_t WideSource(const core::IpAddress& ip);
  static uint64_t DeviceSource(uint64_t device);
  static uint64_t HabitSource(core::Protocol protocol, bool identified);
  static uint64_t AddressSource(const core::IpAddress& ip);
  static uint64_t SettledSource(uint64_t address_source);
  // A login identifies on a protocol once it succeeded with a client id in this many refresh
  // periods (and never without one).
  static constexpr uint16_t kHabitHits = 2;
  // A login back at one of its recent addresses after this long a pause has settled there.
  static constexpr Duration kSettledAfter = 6 * core::kHour;

 private:
  static const Source* FindSource(const Record& record, uint64_t digest);
  enum class UpsertResult { kUnchanged, kUpdated, kInserted };
  enum class HitRule {
    kHitOnRefresh,  // a hit per refresh period (repeat visits)
    kExtraHit,      // a hit now, whatever the refresh period
    kNoHit,         // refresh the time only
  };
  // Refreshes or adds one source.
  UpsertResult Upsert(Record& record, uint64_t digest, uint32_t now_s, HitRule rule,
                      Source* changed);

  // What a login's source list holds on the heap (with the allocator's header).
  static size_t SourceHeap(const Record& r) {
    return r.sources.capacity() == 0 ? 0 : r.sources.capacity() * sizeof(Source) + 16;
  }
  // Refreshes or adds an address source, at most kRecentAddresses per login. A known one is
  // reported (for the journal) only if its previous success came before `report_s`.
  UpsertResult NoteAddress(Record& record, uint64_t digest, uint32_t now_s, uint32_t report_s,
                           Source* changed);
  // Evicts logins while the source lists exceed max_bytes.
  void KeepWithinBytes(Timestamp now);

  FamiliaritySettings settings_;
  counters::BoundedMap<uint64_t, Record> logins_;
  size_t entries_ = 0;
  size_t source_heap_ = 0;  // sum of SourceHeap over logins_
};

}  // namespace coastguard::detect
