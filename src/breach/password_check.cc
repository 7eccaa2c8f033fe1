#include "breach/password_check.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "core/crypto.h"
#include "core/text.h"

namespace coastguard::breach {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Code points of UTF-8 text (continuation bytes are not counted).
size_t CodePoints(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// The usual digit-for-letter swaps ("p4ssw0rd"), so that a context word cannot hide behind them.
std::string Unleet(std::string_view lower, char one) {
  std::string out(lower);
  for (char& c : out) {
    switch (c) {
      case '0': c = 'o'; break;
      case '1':
      case '!': c = one; break;
      case '3': c = 'e'; break;
      case '4':
      case '@': c = 'a'; break;
      case '5':
      case '$': c = 's'; break;
      case '7': c = 't'; break;
      default: break;
    }
  }
  return out;
}

// Splits "alice.smith@mail.example.com" into alice, smith, mail, example (the last label is
// a top-level domain, too short and too common to mean anything).
void AddLoginWords(std::string_view login, std::vector<std::string>& words) {
  const std::string lower = Lower(login);
  words.push_back(lower);
  const size_t at = lower.find('@');
  const std::string local = lower.substr(0, at);
  words.push_back(local);
  std::string part;
  const auto flush = [&] {
    if (!part.empty()) words.push_back(part);
    part.clear();
  };
  for (const char c : local) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      part.push_back(c);
    } else {
      flush();
    }
  }
  flush();
  if (at != std::string::npos) {
    std::string_view domain = std::string_view(lower).substr(at + 1);
    const size_t last_dot = domain.rfind('.');
    if (last_dot != std::string_view::npos) domain = domain.substr(0, last_dot);
    for (const char c : domain) {
      if (c == '.') {
        flush();
      } else {
        part.push_back(c);
      }
    }
    flush();
  }
}

}  // namespace

std::string_view WeaknessCode(Weakness weakness) {
  switch (weakness) {
    case Weakness::kBreached: return "breached";
    case Weakness::kCommon: return "common";
    case Weakness::kContextWord: return "context_word";
    case Weakness::kTooShort: return "too_short";
  }
  return "unknown";
}

std::string WeaknessMessage(Weakness weakness, uint32_t breach_count, size_t min_length) {
  switch (weakness) {
    case Weakness::kBreached:
      return breach_count > 0
                 ? core::Cat("This password has appeared ", breach_count,
                             breach_count == 1 ? " time" : " times",
                             " in data breaches, so attackers try it first. Please choose "
                             "another one; a password manager can make one up for you.")
                 : std::string(
                       "This password has probably appeared in data breaches, so "
                       "attackers try it first. Please choose another one; a password "
                       "manager can make one up for you.");
    case Weakness::kCommon:
      return "This is one of the most common passwords, and attackers try those first. Please "
             "choose one that is harder to guess.";
    case Weakness::kContextWord:
      return "This password contains your user name or the name of this service, which anyone "
             "can guess. Please choose one without them.";
    case Weakness::kTooShort:
      return core::Cat("This password is shorter than ", min_length,
                       " characters. A longer one is much harder to guess; several words in a "
                       "row work well.");
  }
  return "";
}

absl::Status CommonPasswords::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(core::Cat(path, ": cannot be read"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  words_.clear();
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '[') {
    // A JSON array of strings (npm data packages): take each quoted string. The lists hold
    // plain words; an escape sequence is kept as written rather than decoded.
    size_t i = first + 1;
    while (true) {
      const size_t open = text.find('"', i);
      if (open == std::string::npos) break;
      size_t close = open + 1;
      while (close < text.size() && text[close] != '"') close += text[close] == '\\' ? 2 : 1;
      if (close >= text.size())
        return absl::InvalidArgumentError(core::Cat(path, ": unterminated string"));
      words_.insert(Lower(std::string_view(text).substr(open + 1, close - open - 1)));
      i = close + 1;
    }
  } else {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      // john's list starts with "#!comment:" lines.
      if (line.empty() || core::StartsWith(line, "#!comment")) continue;
      words_.insert(Lower(line));
    }
  }
  if (words_.empty()) return absl::InvalidArgumentError(core::Cat(path, ": no passwords in it"));
  return absl::OkStatus();
}

bool CommonPasswords::Contains(std::string_view password) const {
  std::string lower = Lower(password);
  const bool found = words_.contains(lower);
  core::Wipe(lower);
  return found;
}

bool PasswordChecker::HasContextWord(std::string_view password,
                                     const PasswordCheckRequest& request) const {
  std::vector<std::string> words;
  if (!request.login.empty()) AddLoginWords(request.login, words);
  for (const std::string& word : settings_.service_words) words.push_back(Lower(word));
  for (const std::string_view word : request.context) words.push_back(Lower(word));
  std::string lower = Lower(password);
  // "1" stands for "l" in some passwords and "i" in others: try both readings.
  std::string unleet_l = Unleet(lower, 'l');
  std::string unleet_i = Unleet(lower, 'i');
  bool found = false;
  for (const std::string& word : words) {
    if (word.size() < 3) continue;
    // A short word (3 letters) only counts as the whole password; a longer one anywhere in it.
    const bool whole = lower == word || unleet_l == word || unleet_i == word;
    const bool inside = word.size() >= 4 && (lower.find(word) != std::string::npos ||
                                             unleet_l.find(word) != std::string::npos ||
                                             unleet_i.find(word) != std::string::npos);
    if (whole || inside) {
      found = true;
      break;
    }
  }
  for (std::string* copy : {&lower, &unleet_l, &unleet_i}) core::Wipe(*copy);
  return found;
}

PasswordCheckResult PasswordChecker::Check(const PasswordCheckRequest& request) const {
  PasswordCheckResult result;
  std::array<uint8_t, 20> sha1{};
  if (request.password) {
    const auto digest = core::Sha1(*request.password);
    std::copy(digest.begin(), digest.end(), sha1.begin());
  } else if (request.sha1) {
    sha1 = *request.sha1;
  }
  if (database_ != nullptr) {
    const Lookup lookup = database_->Find(HashKind::kSha1, sha1.data());
    if (lookup.found) {
      result.weaknesses.push_back(Weakness::kBreached);
      result.breach_count = lookup.count;
      result.breach_exact = lookup.exact;
    }
  }
  if (request.password) {
    const std::string_view password = *request.password;
    if (common_ != nullptr && common_->Contains(password)) {
      result.weaknesses.push_back(Weakness::kCommon);
    }
    if (HasContextWord(password, request)) result.weaknesses.push_back(Weakness::kContextWord);
    if (CodePoints(password) < settings_.min_length) {
      result.weaknesses.push_back(Weakness::kTooShort);
    }
  }
  result.ok = result.weaknesses.empty();
  return result;
}

}  // namespace coastguard::breach
