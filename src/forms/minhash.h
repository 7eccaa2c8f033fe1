#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace coastguard::forms {

// MinHash signature of a text's word trigrams (or its words): the share of equal slots between
// two signatures estimates the Jaccard similarity of their sets. A template sent with a different
// name or link per recipient keeps most trigrams (one changed word in 25 leaves ~0.8), unrelated
// texts share almost none. Words are runs of letters and digits (any non-ASCII byte counts as a
// letter), ASCII case-folded.
inline constexpr int kMinHashSlots = 16;
inline constexpr int kMinHashBands = 8;  // of 2 slots: texts with similarity 0.5 meet in a band
                                         // with probability 0.9, at 0.7 with 0.998

struct TextFingerprint {
  std::array<uint32_t, kMinHashSlots> slots{};
  uint32_t words = 0;
};
// What a signature is made of. Trigrams tell a template from people writing about the same
// thing in their own words. A spun template ("Hi babe / Hey there", "pics / photos", "write /
// message", drawn per message) changes a word in most of its trigrams but keeps most of its
// words: compared by its words alone, it stays one text. Used for texts whose destination is
// hidden (a messenger handle, a term to search for, a shortened link) and no other link: a
// number to call back on is what honest people leave in formulaic texts (a booking) that share
// most words too, and people who write alike around a popular link must stay different texts.
enum class Shingles : uint8_t { kTrigrams, kWords };
// Words of `personal` (the submitter's name) and words with digits in them (tracking ids,
// amounts, dates) all count as one placeholder word: a template mail-merged with names and ids
// is one text.
TextFingerprint Fingerprint(std::string_view text, uint64_t seed,
                            const std::vector<std::string>& personal = {},
                            Shingles shingles = Shingles::kTrigrams);

// The words of `text` as Fingerprint reads them (ASCII lower-cased), at most `max` of them.
void AppendWords(std::string_view text, size_t max, std::vector<std::string>* out);

// Estimated Jaccard similarity, 0..1.
double Similarity(const TextFingerprint& a, const TextFingerprint& b);
// The key of one band (two slots) for the locality-sensitive index.
uint64_t BandKey(const TextFingerprint& f, int band);

}  // namespace coastguard::forms
