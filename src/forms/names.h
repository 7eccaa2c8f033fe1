#pragma once

#include <string>
#include <string_view>

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

 private:
  USpoofChecker* checker_ = nullptr;
};

}  // namespace coastguard::forms
