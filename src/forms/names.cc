#include "forms/names.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uspoof.h>
#include <unicode/utf8.h>

#include <cstdio>
#include <cstdlib>

namespace coastguard::forms {

NameChecker::NameChecker() {
  UErrorCode status = U_ZERO_ERROR;
  checker_ = uspoof_open(&status);
  uspoof_setChecks(checker_, USPOOF_RESTRICTION_LEVEL | USPOOF_INVISIBLE | USPOOF_MIXED_NUMBERS,
                   &status);
  uspoof_setRestrictionLevel(checker_, USPOOF_MODERATELY_RESTRICTIVE);
  if (U_FAILURE(status)) {
    std::fprintf(stderr, "coastguard: ICU spoof checker: %s\n", u_errorName(status));
    std::abort();
  }
}

NameChecker::~NameChecker() { uspoof_close(checker_); }

bool NameChecker::Suspicious(std::string_view utf8) const {
  if (utf8.empty()) return false;
  if (utf8.size() > 1024) utf8 = utf8.substr(0, 1024);
  // Invalid UTF-8 and invisible format characters (zero-width space, bidi overrides, soft
  // hyphen) are no part of an honest name. ZWNJ and ZWJ are: Persian and Indic names use them.
  const auto* bytes = reinterpret_cast<const uint8_t*>(utf8.data());
  const auto length = static_cast<int32_t>(utf8.size());
  for (int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) return true;
    const int8_t type = u_charType(c);
    if ((type == U_FORMAT_CHAR && c != 0x200C && c != 0x200D) || type == U_CONTROL_CHAR) {
      return true;
    }
  }
  UErrorCode status = U_ZERO_ERROR;
  const int32_t result =
      uspoof_checkUTF8(checker_, utf8.data(), static_cast<int32_t>(utf8.size()), nullptr, &status);
  return U_FAILURE(status) || result != 0;
}

std::string NameChecker::Fold(std::string_view utf8) const {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCCasefoldInstance(status);
  if (U_FAILURE(status)) return std::string(utf8);
  const icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  const icu::UnicodeString folded = nfkc->normalize(text, status);
  if (U_FAILURE(status)) return std::string(utf8);
  std::string out;
  folded.toUTF8String(out);
  return out;
}

}  // namespace coastguard::forms
