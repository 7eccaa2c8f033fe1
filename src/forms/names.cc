#include "forms/names.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uspoof.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "forms/lures.h"

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
  // Scripts are judged per word: "Dr. Ελένη Παπαδόπουλος" writes a Latin title beside a Greek
  // name, each word in one script, while "Аlexander" mixes them inside a word. A word drawn
  // only with look-alikes of Latin letters ("Арр" in Cyrillic) beside a Latin word is one too.
  bool latin_word = false, look_alike_word = false;
  for (size_t start = 0; start < utf8.size();) {
    const size_t end = std::min(utf8.find(' ', start), utf8.size());
    const std::string_view word = utf8.substr(start, end - start);
    start = end + 1;
    if (word.empty()) continue;
    UErrorCode status = U_ZERO_ERROR;
    const int32_t result = uspoof_checkUTF8(checker_, word.data(),
                                            static_cast<int32_t>(word.size()), nullptr, &status);
    if (U_FAILURE(status) || result != 0) return true;
    int letters = 0, look_alikes = 0;
    bool ascii_letter = false;
    const auto* word_bytes = reinterpret_cast<const uint8_t*>(word.data());
    const auto word_length = static_cast<int32_t>(word.size());
    for (int32_t i = 0; i < word_length;) {
      UChar32 c;
      U8_NEXT(word_bytes, i, word_length, c);
      if (!u_isalpha(c)) continue;
      ++letters;
      ascii_letter |= c < 0x80;
      look_alikes += LatinLookAlike(u_tolower(c)) != 0;
    }
    latin_word |= ascii_letter;
    look_alike_word |= letters >= 2 && look_alikes == letters;
  }
  return latin_word && look_alike_word;
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

namespace {

// Latin letters that carry no accent to strip, as addresses spell them. ICU's Latin-ASCII
// transliterator would do this and more, but its registry costs a megabyte of heap per process
// for the dozen letters a name can hold here.
std::string_view PlainLatin(UChar32 c) {
  switch (c) {
    case 0xF8: return "o";    // ø
    case 0x142: return "l";   // ł
    case 0x111: return "d";   // đ
    case 0xF0: return "d";    // ð
    case 0xE6: return "ae";   // æ
    case 0x153: return "oe";  // œ
    case 0xFE: return "th";   // þ
    case 0x131: return "i";   // dotless ı
    case 0x127: return "h";   // ħ
    case 0x167: return "t";   // ŧ
    case 0x14B: return "ng";  // ŋ
    default: return {};
  }
}

}  // namespace

void NameChecker::LatinWords(std::string_view utf8, size_t max,
                             std::vector<std::string>* out) const {
  // Case-folded (ß -> ss), then decomposed so that accents are marks of their own, dropped.
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCCasefoldInstance(status);
  const icu::Normalizer2* nfkd = icu::Normalizer2::getNFKDInstance(status);
  if (U_FAILURE(status)) return;
  const icu::UnicodeString folded =
      nfkc->normalize(icu::UnicodeString::fromUTF8(icu::StringPiece(
                          utf8.data(), static_cast<int32_t>(std::min<size_t>(utf8.size(), 256)))),
                      status);
  const icu::UnicodeString text = nfkd->normalize(folded, status);
  if (U_FAILURE(status)) return;
  std::string ascii;
  for (int32_t i = 0; i < text.length();) {
    const UChar32 c = text.char32At(i);
    i += U16_LENGTH(c);
    if (u_charType(c) == U_NON_SPACING_MARK) continue;
    if (c < 0x80) {
      ascii.push_back(static_cast<char>(c));
    } else if (const std::string_view plain = PlainLatin(c); !plain.empty()) {
      ascii += plain;
    } else if (u_isalpha(c)) {
      ascii += "\x80";  // another script's letter
    } else {
      ascii += ' ';  // a typographic apostrophe, a dash, a symbol: between words
    }
  }
  // Words are runs between ASCII non-letters (O'Brien and Müller-Lüdenscheidt give each part);
  // a run that still holds a letter of another script is no word an address spells.
  std::string word;
  bool latin = true;
  auto flush = [&] {
    if (latin && !word.empty() && word.size() <= 64 && out->size() < max) out->push_back(word);
    word.clear();
    latin = true;
  };
  for (const char c : ascii) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80) {
      latin = false;
    } else if (c >= 'a' && c <= 'z') {
      word.push_back(c);
    } else if (c >= 'A' && c <= 'Z') {
      word.push_back(static_cast<char>(c - 'A' + 'a'));
    } else {
      flush();
    }
  }
  flush();
}

bool NameInAddress(const std::vector<std::string>& latin_words, std::string_view address) {
  // A person's name has a few words; a list of them would match most addresses.
  constexpr size_t kMaxNameWords = 5;
  if (latin_words.empty() || latin_words.size() > kMaxNameWords) return false;
  const size_t at = address.rfind('@');
  if (at == std::string_view::npos) return false;
  std::string local;
  for (const char c : address.substr(0, at)) {
    if (c == '+') break;  // a tag (jane+shop@) is no part of the name
    local.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  // A role's mailbox is nobody's own, whatever name is typed.
  static constexpr std::string_view kRoles[] = {
      "info", "sales", "support", "contact", "office",  "admin", "hello",     "mail",
      "team", "help",  "service", "billing", "noreply", "abuse", "webmaster", "postmaster"};
  std::string letters;
  for (const char c : local) {
    if (c >= 'a' && c <= 'z') letters.push_back(c);
  }
  if (std::find(std::begin(kRoles), std::end(kRoles), letters) != std::end(kRoles)) return false;
  auto is_letter = [](char c) { return c >= 'a' && c <= 'z'; };
  for (const std::string& word : latin_words) {
    if (word.size() < 3) continue;
    for (size_t pos = local.find(word); pos != std::string::npos; pos = local.find(word, pos + 1)) {
      // Where an address begins a name: at its start, after a dot, dash, underscore or digit
      // (jane.doe, j_doe, 2doe), or after the initial of another of the name's words (jdoe).
      if (pos == 0 || !is_letter(local[pos - 1])) return true;
      if (pos == 1 && std::any_of(latin_words.begin(), latin_words.end(), [&](const auto& other) {
            return &other != &word && !other.empty() && other[0] == local[0];
          })) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace coastguard::forms
