#include "forms/lures.h"

#include <algorithm>
#include <array>
#include <vector>

#include <unicode/utf8.h>

#include "core/text.h"

namespace coastguard::forms {
namespace {

// Hand-written rather than a regex library: one pass over the bytes, no backtracking on
// attacker-controlled input, and it runs for every field of every submission.
bool IsSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

// Characters that end a link or domain token besides white space.
bool IsBreak(unsigned char c) {
  return IsSpace(c) || c == '"' || c == '\'' || c == '<' || c == '>' || c == '(' || c == ')' ||
         c == '[' || c == ']' || c == '{' || c == '}' || c == ',' || c == ';' || c == '|' ||
         c == '\\' || c == '^' || c == '`';
}

bool IsHostChar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c >= 0x80;
}

void AddDistinct(std::vector<std::string>& list, std::string value) {
  if (value.empty() || list.size() >= 32) return;
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(std::move(value));
}

// The host at the start of `rest` (up to / ? # : or the end), lower-case.
std::string HostOf(std::string_view rest) {
  size_t end = 0;
  while (end < rest.size() && IsHostChar(static_cast<unsigned char>(rest[end]))) ++end;
  return AsciiLower(rest.substr(0, end));
}

void StripTrailingPunctuation(std::string_view& token) {
  while (!token.empty()) {
    const char c = token.back();
    if (c == '.' || c == '!' || c == '?' || c == ':' || c == '*' || c == '-' || c == '_') {
      token.remove_suffix(1);
    } else {
      break;
    }
  }
}

void ScanToken(std::string_view token, const PublicSuffixes& suffixes, Lures* out) {
  StripTrailingPunctuation(token);
  while (!token.empty() && (token.front() == '.' || token.front() == '*' || token.front() == '-')) {
    token.remove_prefix(1);
  }
  if (token.size() < 4) return;
  const std::string lower = AsciiLower(token);
  const size_t scheme = lower.find("://");
  if (scheme != std::string::npos || lower.rfind("www.", 0) == 0) {
    const std::string_view rest =
        scheme != std::string::npos ? std::string_view(lower).substr(scheme + 3) : lower;
    ++out->urls;
    const std::string host = HostOf(rest);
    std::string registrable = suffixes.Registrable(host);
    AddDistinct(out->domains, registrable.empty() ? host : registrable);
    AddDistinct(out->links, std::string(rest.substr(0, 256)));
    AddDistinct(out->hosts, host);
    return;
  }
  const size_t at = lower.find('@');
  if (at != std::string::npos) {
    const std::string host = HostOf(std::string_view(lower).substr(at + 1));
    if (at > 0 && host.find('.') != std::string::npos) {
      ++out->emails;
      std::string registrable = suffixes.Registrable(host);
      if (!registrable.empty()) AddDistinct(out->domains, std::move(registrable));
    }
    return;
  }
  if (lower.find('.') == std::string::npos) return;
  const std::string host = HostOf(lower);
  if (host.size() < 4 || host.find('.') == std::string::npos) return;
  std::string registrable = suffixes.Registrable(host);
  if (registrable.empty()) return;
  ++out->bare_domains;
  AddDistinct(out->domains, std::move(registrable));
  AddDistinct(out->hosts, host);
  // A path, query, fragment or port makes it a link ("example.com/x", "example.com?r=..."),
  // as it does after a scheme.
  if (host.size() < lower.size() &&
      std::string_view("/?#:").find(lower[host.size()]) != std::string_view::npos) {
    AddDistinct(out->links, lower.substr(0, 256));
  }
}

bool MarkupAt(std::string_view text, size_t i) {
  const char c = text[i];
  if (c == '<' && i + 1 < text.size()) {
    const char n = text[i + 1];
    return (n >= 'a' && n <= 'z') || (n >= 'A' && n <= 'Z') || n == '/' || n == '!';
  }
  if (c == '[' && i + 4 < text.size()) {
    const std::string head = AsciiLower(text.substr(i + 1, 4));
    return head == "url]" || head == "url=" || head == "link" || head == "img]";
  }
  if (c == '&' && i + 2 < text.size()) return text[i + 1] == '#';
  return false;
}

bool IsPhoneSeparator(char c) {
  return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' || c == '+';
}

// A token that is a link or an address whose digits are no number to call: a scheme, "www."
// or an @ before a dot. A chat link is a number to call (wa.me/15551234567).
bool LinkToken(std::string_view token) {
  const std::string lower = AsciiLower(token.substr(0, 64));
  const size_t scheme = lower.find("://");
  if (scheme != std::string::npos || lower.rfind("www.", 0) == 0) {
    std::string_view host =
        std::string_view(lower).substr(scheme == std::string::npos ? 0 : scheme + 3);
    host = host.substr(0, host.find_first_of("/?#:"));
    if (host.rfind("www.", 0) == 0) host.remove_prefix(4);
    static constexpr std::string_view kChats[] = {"wa.me", "api.whatsapp.com", "whatsapp.com",
                                                  "t.me",  "telegram.me",      "signal.me"};
    return std::find(std::begin(kChats), std::end(kChats), host) == std::end(kChats);
  }
  const size_t at = token.find('@');
  return at != std::string_view::npos && token.find('.', at) != std::string_view::npos;
}

// 3 to 32 letters, digits, underscores or dots, not all digits: a messenger's user name.
bool Handle(std::string_view word) {
  if (word.size() < 3 || word.size() > 32) return false;
  bool letter = false;
  for (const char c : word) {
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    letter |= alpha;
    if (!alpha && !(c >= '0' && c <= '9') && c != '_' && c != '.') return false;
  }
  return letter;
}

}  // namespace

bool HandleToken(std::string_view token, bool after_label) {
  StripTrailingPunctuation(token);
  return (!token.empty() && token.front() == '@' && Handle(token.substr(1))) ||
         (after_label && Handle(token));
}

std::vector<std::pair<size_t, size_t>> HandleSpans(std::string_view text, size_t max) {
  // The tokens ScanLures reads: what it counts as a handle is what this finds.
  std::vector<std::pair<size_t, size_t>> spans;
  bool after_label = false;
  SearchLure search;
  std::pair<size_t, size_t> term;
  size_t i = 0;
  while (i < text.size() && spans.size() < max) {
    while (i < text.size() && IsBreak(static_cast<unsigned char>(text[i]))) ++i;
    const size_t start = i;
    while (i < text.size() && !IsBreak(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start) break;
    const std::string_view token = text.substr(start, std::min<size_t>(i - start, 2048));
    if (HandleToken(token, after_label)) spans.emplace_back(start, i);
    after_label = MessengerLabel(token);
    // A search term is confirmed two words after it: it goes in before what followed it.
    if (search.Feed(text, start, i, &term)) {
      auto at = std::lower_bound(spans.begin(), spans.end(), term);
      spans.insert(at, term);
    }
  }
  return spans;
}

namespace {

// Typographic quotes are letters to the tokenizer (bytes past 0x7f): they are in the token.
bool OpensQuote(std::string_view t) {
  using core::StartsWith;
  return StartsWith(t, "\u201c") || StartsWith(t, "\u201e") || StartsWith(t, "\u00ab");
}

bool ClosesQuote(std::string_view t) {
  using core::EndsWith;
  StripTrailingPunctuation(t);
  return EndsWith(t, "\u201d") || EndsWith(t, "\u201c") || EndsWith(t, "\u00bb");
}

}  // namespace

bool SearchLure::Feed(std::string_view text, size_t start, size_t end,
                      std::pair<size_t, size_t>* term) {
  const std::string_view token = text.substr(start, std::min<size_t>(end - start, 2048));
  // A straight quote is a break between tokens: it is the byte before or after the token.
  const bool straight_close = end < text.size() && text[end] == '"';
  std::string_view bare = token;
  StripTrailingPunctuation(bare);
  // 15 bytes stay in the string's own buffer; every word looked for is shorter.
  const std::string word = AsciiLower(bare.substr(0, 15));
  const std::string before = std::move(previous_);
  previous_ = word;
  switch (state_) {
    case State::kTermDone:
      if (word == "on" || word == "in" || word == "at") {
        state_ = State::kOn;
        return false;
      }
      break;
    case State::kOn: {
      static constexpr std::string_view kEngines[] = {"google", "bing",       "yahoo", "yandex",
                                                      "baidu",  "duckduckgo", "ecosia"};
      if (std::find(std::begin(kEngines), std::end(kEngines), word) == std::end(kEngines)) break;
      state_ = State::kIdle;
      *term = {term_start_, term_end_};
      return true;
    }
    case State::kInTerm:
      if (straight_close || ClosesQuote(token)) {
        term_end_ = end;
        state_ = State::kTermDone;
      } else if (++term_tokens_ >= kMaxTermWords) {
        state_ = State::kIdle;
      }
      return false;
    case State::kVerb:
      if ((start > 0 && text[start - 1] == '"') || OpensQuote(token)) {
        term_start_ = start;
        term_tokens_ = 1;
        // The quote closes after this very word: a one-word term ("promogift", “promogift”).
        const bool closed = straight_close || (token.size() > 3 && ClosesQuote(token.substr(3)));
        if (closed) term_end_ = end;
        state_ = closed ? State::kTermDone : State::kInTerm;
        return false;
      }
      if (word == "for") return false;  // "search for "x" on Google"
      break;
    case State::kIdle: break;
  }
  // The verb as an instruction: bare (not "Google:" as a noun before a colon), and not after a
  // subject or a modal ("when I search", "if you search", "a way to search").
  static constexpr std::string_view kNotImperative[] = {
      "i",   "we", "you",    "they",  "he",    "she", "people", "when",  "if",
      "can", "to", "cannot", "could", "would", "i'd", "we'd",   "don't", "didn't"};
  const bool instruction = (word == "search" || word == "google") && bare.size() == token.size() &&
                           std::find(std::begin(kNotImperative), std::end(kNotImperative),
                                     before) == std::end(kNotImperative);
  state_ = instruction ? State::kVerb : State::kIdle;
  return false;
}

bool MessengerLabel(std::string_view token) {
  if (token.size() < 3 || token.back() != ':') return false;
  const std::string label = AsciiLower(token.substr(0, token.size() - 1));
  static constexpr std::string_view kMessengers[] = {
      "tg", "telegram", "whatsapp", "signal", "viber", "wechat", "kik", "snapchat", "threema"};
  return std::find(std::begin(kMessengers), std::end(kMessengers), label) != std::end(kMessengers);
}

namespace {

// A run of digits and phone separators, judged as a number to call when it ends: 9 to 15
// digits (E.164 has at most 15), or 7 or 8 in groups joined by a dash, dot or bracket that do
// not read as a date. An order or booking number (7 digits in one piece, or after "#"), a date
// and a 17-digit order id are none.
class PhoneRun {
 public:
  void Digit(bool after_hash) {
    if (digits_ == 0) after_hash_ = after_hash;
    if (!in_group_) {
      // Joined only when digits follow the dash, dot or bracket: "order 3011051." is no number.
      if (join_pending_) joined_ = true;
      join_pending_ = dot_pending_ = false;
      if (groups_ < 3) sizes_[groups_] = 0;
      ++groups_;
      in_group_ = true;
    }
    if (groups_ <= 3) ++sizes_[groups_ - 1];
    ++digits_;
  }
  void Separator(char c) {
    if (digits_ == 0) return;
    if (in_group_ && c != ' ' && c != '+') {
      join_pending_ = true;  // directly after a digit: "555-", "(555)", "555."
      dot_pending_ = c == '.';
    } else if (c == ' ' && dot_pending_) {
      join_pending_ = dot_pending_ = false;  // a full stop and a space: the sentence ended
    }
    in_group_ = false;
  }
  void End(Lures* out) {
    if (digits_ > 0 && !after_hash_ &&
        (Long() || (digits_ >= 7 && digits_ <= 8 && joined_ && !Date()))) {
      out->phone_digits = std::max(out->phone_digits, digits_);
    }
    *this = PhoneRun();
  }

 private:
  bool Long() const { return digits_ >= 9 && digits_ <= 15; }
  bool Date() const {
    return groups_ == 3 && ((sizes_[0] == 4 && sizes_[1] <= 2 && sizes_[2] <= 2) ||
                            (sizes_[0] <= 2 && sizes_[1] <= 2 && sizes_[2] == 4));
  }
  uint32_t digits_ = 0;
  uint32_t groups_ = 0;
  std::array<uint32_t, 3> sizes_{};
  bool in_group_ = false;
  bool joined_ = false;
  bool join_pending_ = false;  // a dash, dot or bracket right after a group, waiting for digits
  bool dot_pending_ = false;   // ... and it was a full stop
  bool after_hash_ = false;
};

}  // namespace

void ScanLures(std::string_view text, const PublicSuffixes& suffixes, Lures* out) {
  // One walk over the tokens and the breaks between them. Every byte is looked at for markup
  // and as part of a number to call, except the digits of a link or an address (an event's
  // ticket number, a bug's id): its token ends a number and is skipped whole.
  PhoneRun run;
  auto look_at = [&](size_t k) {
    if (!out->markup && MarkupAt(text, k)) out->markup = true;
    const char c = text[k];
    if (c >= '0' && c <= '9') {
      run.Digit(k > 0 && text[k - 1] == '#');
    } else if (IsPhoneSeparator(c)) {
      run.Separator(c);
    } else {
      run.End(out);
    }
  };
  size_t i = 0;
  bool after_messenger = false;
  SearchLure search;
  while (i < text.size()) {
    while (i < text.size() && IsBreak(static_cast<unsigned char>(text[i]))) look_at(i++);
    const size_t start = i;
    while (i < text.size() && !IsBreak(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start) continue;
    if (LinkToken(text.substr(start, i - start))) {
      run.End(out);
      for (size_t k = start; k < i; ++k) {
        if (!out->markup && MarkupAt(text, k)) out->markup = true;
      }
    } else {
      for (size_t k = start; k < i; ++k) look_at(k);
    }
    const std::string_view token = text.substr(start, std::min<size_t>(i - start, 2048));
    ScanToken(token, suffixes, out);
    // A messenger handle is an address to write to: "@lisa_mzt0", "tg: claimhelp57".
    if (HandleToken(token, after_messenger)) ++out->handles;
    after_messenger = MessengerLabel(token);
    // So is a term to search for: "search "promogift" on Google and enter code 2412".
    std::pair<size_t, size_t> term;
    if (search.Feed(text, start, i, &term)) ++out->handles;
  }
  run.End(out);
}

namespace {

// Letters spaced out: a run of at least five one-character words, one of them a dot, joined.
std::string JoinSpacedLetters(std::string_view text) {
  std::vector<std::string_view> words;
  for (size_t start = 0; start <= text.size();) {
    const size_t space = std::min(text.find(' ', start), text.size());
    words.push_back(text.substr(start, space - start));
    start = space + 1;
  }
  std::string out;
  out.reserve(text.size());
  for (size_t w = 0; w < words.size();) {
    size_t end = w;
    bool dot = false;
    while (end < words.size() && words[end].size() == 1) dot |= words[end++][0] == '.';
    // The last letter may carry the link's path or the sentence's full stop: "o/ireq7", "c.".
    const bool tail = end < words.size() && words[end].size() > 1 &&
                      IsHostChar(static_cast<unsigned char>(words[end][0])) &&
                      words[end][0] != '.' &&
                      std::string_view("/.,?!:;)").find(words[end][1]) != std::string_view::npos;
    if (end - w >= 5 && dot) {
      if (tail) ++end;
      if (w > 0) out += ' ';
      for (size_t k = w; k < end; ++k) out += words[k];
      w = end;
      continue;
    }
    if (w > 0) out += ' ';
    out += words[w++];
  }
  return out;
}

// A top-level label could follow at `i`: 2 to 24 letters, then the end, a space, a slash or
// punctuation. "example dot com" but not "polka dot dresses".
bool LabelAt(std::string_view text, size_t i) {
  size_t end = i;
  while (end < text.size() && end - i <= 24 &&
         ((text[end] >= 'a' && text[end] <= 'z') || (text[end] >= 'A' && text[end] <= 'Z'))) {
    ++end;
  }
  const size_t length = end - i;
  if (length < 2 || length > 24) return false;
  return end == text.size() || IsBreak(static_cast<unsigned char>(text[end])) || text[end] == '/' ||
         text[end] == '.' || text[end] == '!' || text[end] == '?' || text[end] == ':';
}

}  // namespace

// From Unicode's confusables for the letters a domain is made of. ICU's skeleton would not do:
// it maps Latin letters too ("m" to "rn"), so its output is no domain to look up.
char LatinLookAlike(int32_t c) {
  switch (c) {
    case 0x430: return 'a';  // а
    case 0x435: return 'e';  // е
    case 0x43E: return 'o';  // о
    case 0x440: return 'p';  // р
    case 0x441: return 'c';  // с
    case 0x443: return 'y';  // у
    case 0x445: return 'x';  // х
    case 0x456: return 'i';  // і
    case 0x458: return 'j';  // ј
    case 0x455: return 's';  // ѕ
    case 0x501: return 'd';  // ԁ
    case 0x4BB: return 'h';  // һ
    case 0x4CF: return 'l';  // ӏ
    case 0x51B: return 'q';  // ԛ
    case 0x51D: return 'w';  // ԝ
    case 0x3B1: return 'a';  // α
    case 0x3BF: return 'o';  // ο
    case 0x3C1: return 'p';  // ρ
    case 0x3BD: return 'v';  // ν
    case 0x3B9: return 'i';  // ι
    case 0x3BA: return 'k';  // κ
    case 0x3C5: return 'u';  // υ
    case 0x3C7: return 'x';  // χ
    case 0x131: return 'i';  // dotless ı
    case 0x261: return 'g';  // ɡ
    case 0x585: return 'o';  // Armenian օ
    case 0x578: return 'n';  // Armenian ո
    default: return 0;
  }
}

std::string UndoLookAlikes(std::string_view folded) {
  // A run goes from one space, slash or colon to the next: a link's scheme and path are runs
  // of their own. A run is deceptive when one of its labels (between dots) mixes ASCII letters
  // with look-alikes ("gоld-сlаim"); then those labels, and the ones made only of look-alikes
  // (a top-level "сс"), are made Latin. "https://магазин.укр/", "магазин.com" and a Russian
  // word are each in one script per label, as their owners spell them, and stay.
  const auto run_break = [](char c) {
    return IsSpace(static_cast<unsigned char>(c)) || c == '/' || c == ':';
  };
  struct Label {
    size_t begin, end;
    bool ascii_letter = false;
    bool look_alike = false;
    bool other = false;  // a non-ASCII character that is no look-alike
  };
  std::string out;
  out.reserve(folded.size());
  std::vector<Label> labels;
  size_t i = 0;
  while (i < folded.size()) {
    size_t end = i;
    while (end < folded.size() && !run_break(folded[end])) ++end;
    labels.clear();
    bool deceptive = false;
    for (size_t begin = i; begin <= end;) {
      const size_t dot = std::min(folded.find('.', begin), end);
      Label label{begin, dot};
      for (auto k = static_cast<int32_t>(begin); k < static_cast<int32_t>(dot);) {
        UChar32 c = 0;
        U8_NEXT(folded.data(), k, static_cast<int32_t>(dot), c);  // invalid bytes: c < 0
        label.ascii_letter |= (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        const bool look_alike = LatinLookAlike(c) != 0;
        label.look_alike |= look_alike;
        label.other |= (c < 0 || c >= 0x80) && !look_alike;
      }
      deceptive |= label.ascii_letter && label.look_alike;
      labels.push_back(label);
      begin = dot + 1;
    }
    for (const Label& label : labels) {
      const bool rewrite = deceptive && label.look_alike && (label.ascii_letter || !label.other);
      for (auto k = static_cast<int32_t>(label.begin); k < static_cast<int32_t>(label.end);) {
        const int32_t start = k;
        UChar32 c = 0;
        U8_NEXT(folded.data(), k, static_cast<int32_t>(label.end), c);
        const char latin = rewrite ? LatinLookAlike(c) : 0;
        if (latin != 0) {
          out += latin;
        } else {
          out.append(folded.substr(static_cast<size_t>(start), static_cast<size_t>(k - start)));
        }
      }
      if (label.end < end) out += '.';
    }
    while (end < folded.size() && run_break(folded[end])) out += folded[end++];
    i = end;
  }
  return out;
}

std::string Deobfuscate(std::string_view text) {
  // Hand-written like the scanner: a few fixed spellings, one pass each, no backtracking.
  const std::string spaced = JoinSpacedLetters(text);
  static constexpr std::string_view kDots[] = {"[.]",   "(.)",   "{.}",   "[dot]", "(dot)",
                                               "{dot}", "<dot>", " dot ", " . "};
  std::string out;
  out.reserve(spaced.size());
  for (size_t i = 0; i < spaced.size();) {
    bool replaced = false;
    for (const std::string_view dot : kDots) {
      if (std::string_view(spaced).substr(i, dot.size()) != dot) continue;
      // Only between a word and what could be a domain's next label; a bracketed dot may
      // stand apart from both ("telegra [dot] ph").
      const bool bracketed = dot.front() != ' ';
      size_t before = out.size();
      while (bracketed && before > 0 && out[before - 1] == ' ') --before;
      const bool word_before =
          before > 0 && IsHostChar(static_cast<unsigned char>(out[before - 1]));
      size_t after = i + dot.size();
      while (after < spaced.size() && spaced[after] == ' ') ++after;
      if (!word_before || after >= spaced.size() ||
          !IsHostChar(static_cast<unsigned char>(spaced[after])) ||
          (!bracketed && !LabelAt(spaced, after))) {
        continue;
      }
      while (!out.empty() && out.back() == ' ') out.pop_back();
      out += '.';
      i = after;
      replaced = true;
      break;
    }
    if (!replaced) out += spaced[i++];
  }
  return out;
}

bool HasHeaderBreak(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

namespace {

// The header fields an injection is after: more recipients, another sender, or a body and MIME
// structure of its own. A line such as "Objet : commande 4411" (French puts a blank before the
// colon) has a header's shape and does none of that.
bool HarmfulField(std::string_view name) {
  const std::string lower = AsciiLower(name);
  static constexpr std::string_view kFields[] = {
      "to",       "cc",          "bcc",          "from",    "sender",
      "reply-to", "return-path", "mime-version", "subject", "disposition-notification-to"};
  return std::find(std::begin(kFields), std::end(kFields), lower) != std::end(kFields) ||
         lower.rfind("resent-", 0) == 0 || lower.rfind("content-", 0) == 0;
}

}  // namespace

bool InjectsHeader(std::string_view text) {
  if (text.find('\0') != std::string_view::npos) return true;
  // RFC 5322 field name: printable US-ASCII except the colon, then the colon.
  auto field_name_char = [](char c) { return c > ' ' && c < 0x7f && c != ':'; };
  size_t at = text.find_first_of("\r\n");
  while (at != std::string_view::npos) {
    const size_t line = text.find_first_not_of("\r\n", at);
    if (line == std::string_view::npos) return false;
    size_t end = line;
    while (end < text.size() && field_name_char(text[end])) ++end;
    // The obsolete syntax (RFC 5322 4.5.3) allows blanks before the colon, and Postfix's
    // `sendmail -t` reads "Bcc : x" as a Bcc header.
    size_t colon = end;
    while (colon < text.size() && (text[colon] == ' ' || text[colon] == '\t')) ++colon;
    if (end > line && colon < text.size() && text[colon] == ':' &&
        HarmfulField(text.substr(line, end - line))) {
      return true;
    }
    at = text.find_first_of("\r\n", line);
  }
  return false;
}

AddressCheck CheckAddress(std::string_view value) {
  while (!value.empty() && IsSpace(static_cast<unsigned char>(value.front())))
    value.remove_prefix(1);
  while (!value.empty() && IsSpace(static_cast<unsigned char>(value.back())))
    value.remove_suffix(1);
  if (value.empty() || value.size() > 254) return AddressCheck::kBad;
  if (std::count(value.begin(), value.end(), '@') > 1 ||
      value.find_first_of(",;") != std::string_view::npos) {
    return AddressCheck::kMultiple;
  }
  if (value.find_first_of("<>\"()") != std::string_view::npos) return AddressCheck::kDisplayName;
  const size_t at = value.find('@');
  if (at == std::string_view::npos || at == 0 || at > 64) return AddressCheck::kBad;
  const std::string_view domain = value.substr(at + 1);
  if (domain.size() < 3 || domain.find('.') == std::string_view::npos || domain.front() == '.' ||
      domain.back() == '.' || domain.find("..") != std::string_view::npos) {
    return AddressCheck::kBad;
  }
  for (const char ch : value) {
    const auto u = static_cast<unsigned char>(ch);
    if (IsSpace(u) || u < 0x20 || u == 0x7f || u == '\\' || u == '[' || u == ']' || u == ':') {
      return AddressCheck::kBad;
    }
  }
  for (const char ch : domain) {
    if (!IsHostChar(static_cast<unsigned char>(ch))) return AddressCheck::kBad;
  }
  return AddressCheck::kOk;
}

std::string AddressDomain(std::string_view address) {
  const size_t at = address.rfind('@');
  if (at == std::string_view::npos) return "";
  std::string_view domain = address.substr(at + 1);
  while (!domain.empty() &&
         (IsSpace(static_cast<unsigned char>(domain.back())) || domain.back() == '>')) {
    domain.remove_suffix(1);
  }
  return AsciiLower(domain);
}

}  // namespace coastguard::forms
