#include "forms/minhash.h"

#include <algorithm>
#include <string>
#include <utility>

#include "core/digest.h"
#include "forms/lures.h"

namespace coastguard::forms {
namespace {

bool IsWordByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

// One cheap permutation per slot: the feature mixed with the slot's constant.
uint32_t SlotHash(uint64_t feature, int slot) {
  uint64_t z = feature + 0x9e3779b97f4a7c15ULL * static_cast<uint64_t>(slot + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return static_cast<uint32_t>(z ^ (z >> 31));
}

bool IsSpaceByte(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

// The end of the whitespace-delimited run from `start`, and whether it is a link or an
// address: it has "://" or a dot between word bytes (example.com, go9580.online/x,
// jane.doe@example.org).
size_t RunEnd(std::string_view text, size_t start, bool* link) {
  size_t end = start;
  *link = false;
  while (end < text.size() && !IsSpaceByte(text[end])) {
    if (text[end] == '.' && end > start && end + 1 < text.size() &&
        IsWordByte(static_cast<unsigned char>(text[end - 1])) &&
        IsWordByte(static_cast<unsigned char>(text[end + 1]))) {
      *link = true;
    }
    if (text.substr(end, 3) == "://") *link = true;
    ++end;
  }
  return end;
}

}  // namespace

TextFingerprint Fingerprint(std::string_view text, uint64_t seed,
                            const std::vector<std::string>& personal, Shingles shingles) {
  const uint64_t placeholder = core::Digest64("\x01", seed);
  const bool by_words = shingles == Shingles::kWords;
  bool any_word = false;
  TextFingerprint out;
  out.slots.fill(UINT32_MAX);
  std::array<uint64_t, 3> window{};  // digests of the last three words
  std::string word;
  auto add_feature = [&](uint64_t feature) {
    for (int slot = 0; slot < kMinHashSlots; ++slot) {
      const uint32_t h = SlotHash(feature, slot);
      if (h < out.slots[slot]) out.slots[slot] = h;
    }
  };
  // A text holds at most a few handles; past 64, the rest count as words.
  const std::vector<std::pair<size_t, size_t>> handles = HandleSpans(text, 64);
  size_t next_handle = 0;
  size_t i = 0;
  size_t plain_until = 0;  // the end of a run already found to be no link: looked at once
  while (i < text.size()) {
    while (i < text.size() && !IsWordByte(static_cast<unsigned char>(text[i]))) ++i;
    word.clear();
    const size_t start = i;
    while (i < text.size() && IsWordByte(static_cast<unsigned char>(text[i]))) {
      char c = text[i++];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (word.size() < 64) word.push_back(c);
    }
    if (word.empty()) break;
    bool variable = word.find_first_of("0123456789") != std::string::npos ||
                    std::find(personal.begin(), personal.end(), word) != personal.end();
    bool link = false;
    while (next_handle < handles.size() && handles[next_handle].second <= start) ++next_handle;
    // A messenger handle is an address like a link: one placeholder, whatever it spells.
    const bool handle = next_handle < handles.size() && handles[next_handle].first <= start;
    if (handle) {
      link = true;
    } else if (start >= plain_until) {
      const size_t end = RunEnd(text, start, &link);
      if (!link) plain_until = end;
    }
    if (link) {
      // A link or address is one placeholder word, whatever it spells: a campaign that sends
      // each victim a link of its own is still one text around it.
      // It still counts as the words it spells towards `words`, so that a short lure is as
      // comparable as it was.
      variable = true;
      bool in_word = true;
      // A handle's span may hold several words (a term to search for): one placeholder too.
      const size_t until = handle ? handles[next_handle].second : text.size();
      while (i < until && (handle || !IsSpaceByte(text[i]))) {
        const bool word_byte = IsWordByte(static_cast<unsigned char>(text[i++]));
        if (word_byte && !in_word) ++out.words;
        in_word = word_byte;
      }
    }
    window[0] = window[1];
    window[1] = window[2];
    window[2] = variable ? placeholder : core::Digest64(word, seed);
    if (by_words && !variable) {
      add_feature(window[2]);
      any_word = true;
    }
    ++out.words;
    if (!by_words && out.words >= 3) {
      add_feature(core::Mix64(core::Mix64(window[0], window[1]), window[2]));
    }
  }
  // A text of placeholders only, or of one or two words: what there is.
  if (out.words > 0 && (by_words ? !any_word : out.words < 3)) {
    add_feature(core::Mix64(window[1], window[2]));
  }
  return out;
}

void AppendWords(std::string_view text, size_t max, std::vector<std::string>* out) {
  size_t i = 0;
  while (i < text.size() && out->size() < max) {
    while (i < text.size() && !IsWordByte(static_cast<unsigned char>(text[i]))) ++i;
    std::string word;
    while (i < text.size() && IsWordByte(static_cast<unsigned char>(text[i]))) {
      char c = text[i++];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (word.size() < 64) word.push_back(c);
    }
    if (!word.empty()) out->push_back(std::move(word));
  }
}

double Similarity(const TextFingerprint& a, const TextFingerprint& b) {
  int same = 0;
  for (int slot = 0; slot < kMinHashSlots; ++slot) same += a.slots[slot] == b.slots[slot];
  return static_cast<double>(same) / kMinHashSlots;
}

uint64_t BandKey(const TextFingerprint& f, int band) {
  const uint64_t pair = (static_cast<uint64_t>(f.slots[2 * band]) << 32) | f.slots[2 * band + 1];
  return core::Mix64(static_cast<uint64_t>(band + 1), pair);
}

}  // namespace coastguard::forms
