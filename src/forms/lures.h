#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "forms/domains.h"

namespace coastguard::forms {

// What a piece of text carries that could lure the person who receives it.
struct Lures {
  uint32_t urls = 0;          // scheme:// or www. links
  uint32_t bare_domains = 0;  // "example.com" without a scheme (registrable via the PSL)
  uint32_t emails = 0;
  uint32_t handles = 0;       // messenger handles: "@lisa_mzt0", "tg: claimhelp57"
  uint32_t phone_digits = 0;  // digits of the longest number to call (not an order number)
  bool markup = false;        // HTML tags, BBCode links, character references
  // Registrable domains of links, bare domains and addresses, lower-case, distinct.
  std::vector<std::string> domains;
  // Links without scheme, lower-case host: "example.com/path?q" (for the same-link campaigns).
  std::vector<std::string> links;
  // Hosts of links and bare domains, lower-case, distinct: "www.example.com", "shop.example.com".
  std::vector<std::string> hosts;
};

// Scans `text` (already NFKC-folded for names). Appends to `out`.
void ScanLures(std::string_view text, const PublicSuffixes& suffixes, Lures* out);

// Undoes what hides a domain from a filter but not from the person who reads it: spelled-out
// or bracketed dots ("example dot com", "example[.]com", "example (dot) com", "example . com")
// and letters spaced out one by one ("e x a m p l e . c o m"). Takes NFKC case-folded text, in
// which full-width letters are plain and zero-width characters are gone. Returns the text
// unchanged when there is nothing to undo.
std::string Deobfuscate(std::string_view folded);
// The Latin letter a lower-case Cyrillic, Greek or other letter is drawn like ("а" -> 'a'), or 0.
char LatinLookAlike(int32_t c);
// `folded` with Cyrillic, Greek and other letters drawn like Latin ones made Latin, in each run
// (between spaces, slashes and colons) that has a label (between dots) mixing them with ASCII
// letters ("trаckorbit.rеѕt"): a Russian word, or a host in one script per label
// ("https://магазин.укр/", "магазин.com"), stays as it is.
std::string UndoLookAlikes(std::string_view folded);

// Whether a token (as ScanLures splits the text) is a messenger handle, an address to write to:
// "@lisa_mzt0", or "claimhelp57" right after a messenger label ("tg:", "WhatsApp:"). A handle is
// 3 to 32 letters, digits, underscores or dots, not all digits.
bool HandleToken(std::string_view token, bool after_label);
// A term the recipient is told to look up, where a link would be: "search "promogift" on Google
// and enter code 2412". A destination of the sender's like a handle, spelled so that no link
// filter sees it. The imperative only ("search", "google"): people who tell what they looked
// for write "searched". Fed the tokens of a text in order, as ScanLures splits it.
class SearchLure {
 public:
  // Takes the token at [start, end) of `text`. True when it confirms a term: a quoted run of at
  // most kMaxTermWords words after "search" (or "search for", "google"), then "on", "in" or
  // "at" and a search engine. `term` is then the run's span (its words, quotes aside).
  bool Feed(std::string_view text, size_t start, size_t end, std::pair<size_t, size_t>* term);

 private:
  static constexpr int kMaxTermWords = 4;
  enum class State : uint8_t { kIdle, kVerb, kInTerm, kTermDone, kOn };
  State state_ = State::kIdle;
  size_t term_start_ = 0;
  size_t term_end_ = 0;
  int term_tokens_ = 0;
  std::string previous_;  // the word before, lower-case: a subject makes "search" no order
};

// "tg:", "Telegram:", "WhatsApp:"... a label whose next word is a handle.
bool MessengerLabel(std::string_view token);
// The [begin, end) byte ranges of the handles in `text`, tokenized as ScanLures does, at most
// `max` of them.
std::vector<std::pair<size_t, size_t>> HandleSpans(std::string_view text, size_t max);

// CR, LF or NUL: in a name, address, phone or url that reaches a mail header, a line break
// starts a new header, or ends the headers (what follows becomes the body).
bool HasHeaderBreak(std::string_view text);
// A NUL, or a line after a break shaped as a header field that adds recipients, changes the
// sender or starts a body of its own ("Bcc: ...", "Bcc : ...", "Content-Type: ..."): what a
// header injection needs. For the subject only: sites copy the
// message's first lines into it, and the libraries that take a subject apart from the other
// headers (PHP's mail(), Nodemailer, PHPMailer) fold or strip its breaks. A line after a
// break that starts with a blank continues the header and starts none. Lures after a break are
// scanned like the rest of the field.
bool InjectsHeader(std::string_view text);

enum class AddressCheck : uint8_t { kOk, kMultiple, kDisplayName, kBad };
// An email field must hold one plain address: "a@b.example", nothing around it.
AddressCheck CheckAddress(std::string_view value);
// The domain of a plain address ("" if none), lower-case.
std::string AddressDomain(std::string_view address);

}  // namespace coastguard::forms
