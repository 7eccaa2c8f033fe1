// FormGuard::ExportLearned / ImportLearned: the form guard's slow-to-learn facts as one file.
//
//   "CGFORM01" | u32 started_s | u32 link domains | u32 recipient domains
//   link domain:      u64 key | u32 first_s | u32 last_s | u8 recipient domains reached (max 4)
//   recipient domain: u64 key | u32 first_s | u32 last_s
//   u64 XXH3 of everything before it
// Host byte order, like the state store's files. Keys are seeded digests: the file only makes
// sense with the data directory's seed.
#include <cstring>

#include "core/digest.h"
#include "core/text.h"
#include "forms/form_guard.h"

namespace coastguard::forms {
namespace {

constexpr char kMagic[8] = {'C', 'G', 'F', 'O', 'R', 'M', '0', '1'};
constexpr size_t kHeader = 8 + 3 * 4;
constexpr size_t kLinkRecord = 8 + 4 + 4 + 1;
constexpr size_t kRecipientRecord = 8 + 4 + 4;
constexpr uint64_t kChecksumSeed = 0x666f726d73ULL;  // "forms"

template <typename T>
void Put(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

template <typename T>
T Get(std::string_view data, size_t& at) {
  T value;
  std::memcpy(&value, data.data() + at, sizeof(T));
  at += sizeof(T);
  return value;
}

}  // namespace

std::string FormGuard::ExportLearned() const {
  std::string out(kMagic, sizeof(kMagic));
  uint32_t links = 0;
  campaigns_.ForEach([&](uint64_t, const Campaign& c) { links += c.link_domain; });
  Put<uint32_t>(out, started_s_);
  Put<uint32_t>(out, links);
  Put<uint32_t>(out, static_cast<uint32_t>(recipient_domains_.size()));
  // Reached-domain counts are read at each entry's last sighting: the week they cover ends then.
  campaigns_.ForEach([&](uint64_t key, const Campaign& c) {
    if (!c.link_domain) return;
    Put<uint64_t>(out, key);
    Put<uint32_t>(out, c.first_seen_s);
    Put<uint32_t>(out, c.last_seen_s);
    Put<uint8_t>(out, static_cast<uint8_t>(c.recipient_domains.Count(
                          core::FromSeconds(c.last_seen_s), 7 * core::kDay)));
  });
  recipient_domains_.ForEach([&](uint64_t key, const DomainRate& d) {
    Put<uint64_t>(out, key);
    Put<uint32_t>(out, d.first_s);
    Put<uint32_t>(out, d.last_s);
  });
  Put<uint64_t>(out, core::Digest64(out, kChecksumSeed));
  return out;
}

absl::Status FormGuard::ImportLearned(std::string_view data, core::Timestamp now) {
  if (data.size() < kHeader + 8) return core::InvalidInput("truncated");
  if (std::memcmp(data.data(), kMagic, sizeof(kMagic)) != 0) {
    return core::InvalidInput("not a forms state file");
  }
  size_t at = sizeof(kMagic);
  const auto started = Get<uint32_t>(data, at);
  const auto links = Get<uint32_t>(data, at);
  const auto recipients = Get<uint32_t>(data, at);
  const uint64_t expected = uint64_t{kHeader} + uint64_t{links} * kLinkRecord +
                            uint64_t{recipients} * kRecipientRecord + 8;
  if (data.size() != expected) return core::InvalidInput("truncated");
  size_t checksum_at = data.size() - 8;
  if (Get<uint64_t>(data, checksum_at) !=
      core::Digest64(data.substr(0, data.size() - 8), kChecksumSeed)) {
    return core::InvalidInput("checksum mismatch");
  }
  started_s_ = started;
  for (uint32_t i = 0; i < links; ++i) {
    const auto key = Get<uint64_t>(data, at);
    const auto first = Get<uint32_t>(data, at);
    const auto last = Get<uint32_t>(data, at);
    const auto reached = Get<uint8_t>(data, at);
    Campaign& c = campaigns_.FindOrInsert(key, now);
    c.first_seen_s = first;
    c.last_seen_s = last;
    c.link_domain = true;
    // Stand-in tags: only how many recipient domains it reached is known.
    for (uint32_t tag = 1; tag <= reached && tag <= 4; ++tag) {
      c.recipient_domains.Insert(tag, core::FromSeconds(last), 7 * core::kDay);
    }
  }
  for (uint32_t i = 0; i < recipients; ++i) {
    const auto key = Get<uint64_t>(data, at);
    DomainRate& d = recipient_domains_.FindOrInsert(key, now);
    d.first_s = Get<uint32_t>(data, at);
    d.last_s = Get<uint32_t>(data, at);
  }
  return absl::OkStatus();
}

}  // namespace coastguard::forms
