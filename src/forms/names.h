#pragma once

#include <string>
#include <string_view>
#include <vector>

struct USpoofChecker;

namespace coastguard::forms {

// Names checked with ICU's spoof checker (Unicode TS #39): a name may be written in any script,
// or in Latin plus one Han/Japanese/Korean or other non-confusable script, as people write
// them; it may not mix Latin with Cyrillic or Greek look-alikes ("Pаypal" with a Cyrillic "а"),
// hide invisible characters, or mix digits from different systems.
class NameChecker {
 public:
  NameChecker();
  ~NameChecker();
  NameChecker(const NameChecker&) = delete;
  NameChecker& operator=(const NameChecker&) = delete;

  // True when the name fails the checks above (or is not valid UTF-8).
  bool Suspicious(std::string_view utf8) const;

  // NFKC case-folded copy, so that fullwidth or styled letters ("ｅｘａｍｐｌｅ．ｃｏｍ",
  // "𝐞𝐱𝐚𝐦𝐩𝐥𝐞.com") read as the plain ones before lures are looked for. Invalid UTF-8 comes back
  // unchanged.
  std::string Fold(std::string_view utf8) const;

  // The name's words as people spell them in an address: folded, Latin letters without their
  // accents ("Ørjan Søndergård" -> "orjan", "sondergard"), lowercase ASCII letters only. Words
  // in other scripts give nothing. Appends at most `max` words.
  void LatinWords(std::string_view utf8, size_t max, std::vector<std::string>* out) const;

 private:
  USpoofChecker* checker_ = nullptr;
};

// True when the local part of `address` begins, or has after a separator or an initial, one of
// the name's words of three letters or more ("Francesca" -> francesca20@, "Liam Ivanov" ->
// liamivanov@ or l.ivanov@ or livanov@): the person who typed the name is mailing their own
// mailbox, as people do, not a stranger's. Never for more than five words, nor for a role's
// mailbox (info@, sales@...).
bool NameInAddress(const std::vector<std::string>& latin_words, std::string_view address);

}  // namespace coastguard::forms
