#include "forms/names.h"

#include <gtest/gtest.h>

namespace coastguard::forms {
namespace {

TEST(NameCheckerTest, HonestNamesInAnyScriptPass) {
  NameChecker names;
  for (const char* name :
       {"Zoë",    "José-María",        "O'Brien",   "Nguyễn Văn An",   "李雷",
        "Ørjan",  "Αλέξανδρος",        "Олександр", "Anna Müller",     "山田 太郎",
        "محمد",   "Søren Kierkegaard", "François",  "Jean-Luc Picard", "Dvořák",
        "Łukasz", "Ahmed Ali",         "김민준",    "Dr. Smith",       "Mary Ann"}) {
    EXPECT_FALSE(names.Suspicious(name)) << name;
  }
}

TEST(NameCheckerTest, MixedScriptLookAlikesAreSuspicious) {
  NameChecker names;
  EXPECT_TRUE(names.Suspicious("P\xD0\xB0ypal"));    // Cyrillic а in a Latin word
  EXPECT_TRUE(names.Suspicious("J\xCE\xBFhn"));      // Greek ο
  EXPECT_TRUE(names.Suspicious("Bob\xE2\x80\x8B"));  // zero-width space
  EXPECT_TRUE(names.Suspicious("\xFF\xFE not UTF-8"));
  // A word drawn only with Cyrillic look-alikes of Latin letters, beside a Latin word: "App".
  EXPECT_TRUE(names.Suspicious("\xD0\x90\xD1\x80\xD1\x80 Store"));
}

TEST(NameCheckerTest, WordsEachInOneScriptAreNoSpoof) {
  // A Latin title or a transliteration beside a Greek or Cyrillic name: each word in one script.
  NameChecker names;
  for (const char* name :
       {"Ivan \xD0\x98\xD0\xB2\xD0\xB0\xD0\xBD",  // Ivan Иван
        "Dr. Ελένη Παπαδόπουλος", "Mag. Алексей Иванов", "Δημήτρης Νικολάου, PhD",
        "Ελένη Νικολάου (retd.)", "Κατερίνα from Riverbright.au"}) {
    EXPECT_FALSE(names.Suspicious(name)) << name;
  }
}

TEST(NameCheckerTest, FoldTurnsStyledLettersPlain) {
  NameChecker names;
  EXPECT_EQ(names.Fold("ＡＢＣ"), "abc");
  EXPECT_EQ(names.Fold("Zoë"), "zoë");
}

TEST(NameCheckerTest, LatinWordsSpellANameAsAnAddressWould) {
  NameChecker names;
  std::vector<std::string> words;
  names.LatinWords("Ørjan Søndergård", 8, &words);
  EXPECT_EQ(words, (std::vector<std::string>{"orjan", "sondergard"}));
  words.clear();
  names.LatinWords("Siobhán O'Brien-Łukasz Straße", 8, &words);
  EXPECT_EQ(words, (std::vector<std::string>{"siobhan", "o", "brien", "lukasz", "strasse"}));
  words.clear();
  names.LatinWords("Ærøskøbing Þór Ðorđe O\u2019Neil", 8, &words);
  EXPECT_EQ(words, (std::vector<std::string>{"aeroskobing", "thor", "dorde", "o", "neil"}));
  words.clear();
  names.LatinWords("李雷 Олександр", 8, &words);  // other scripts give no word
  EXPECT_TRUE(words.empty());
  names.LatinWords("a b c d e", 3, &words);
  EXPECT_EQ(words.size(), 3u);
}

TEST(NameInAddressTest, WhereAnAddressBeginsAName) {
  const std::vector<std::string> francesca{"francesca", "romano"};
  EXPECT_TRUE(NameInAddress(francesca, "Francesca20@example.org"));
  EXPECT_TRUE(NameInAddress(francesca, "f.romano@example.org"));        // after a dot
  EXPECT_TRUE(NameInAddress(francesca, "fr_romano+shop@example.org"));  // after an underscore
  EXPECT_TRUE(NameInAddress(francesca, "1984romano@example.org"));      // after a digit
  EXPECT_TRUE(NameInAddress(francesca, "fromano@example.org"));         // after her initial
  EXPECT_TRUE(NameInAddress(francesca, "romanof@example.org"));
  EXPECT_FALSE(NameInAddress(francesca, "xromano@example.org"));  // x is no initial of hers
  EXPECT_FALSE(NameInAddress(francesca, "bigfrancesca@example.org"));
  EXPECT_FALSE(NameInAddress(francesca, "shop+francesca@example.org"));  // a tag is no name
  EXPECT_FALSE(NameInAddress(francesca, "hiro94@example.org"));
  EXPECT_FALSE(NameInAddress(francesca, "francesca"));               // no address
  EXPECT_FALSE(NameInAddress({"li", "o"}, "li.olsen@example.org"));  // too short to tell
  EXPECT_FALSE(NameInAddress({}, "anna@example.org"));
  EXPECT_FALSE(NameInAddress({"anna"}, "maria@anna.example"));  // the domain is no name
}

TEST(NameInAddressTest, NeitherAListOfNamesNorARolesMailbox) {
  // One fixed "name" of many common names would match a good share of any address list.
  EXPECT_FALSE(NameInAddress({"john", "mary", "david", "anna", "peter", "maria"},
                             "maria.rossi@example.org"));
  EXPECT_TRUE(
      NameInAddress({"maria", "del", "carmen", "rossi", "vega"}, "maria.rossi@example.org"));
  EXPECT_FALSE(NameInAddress({"info"}, "info@example.org"));
  EXPECT_FALSE(NameInAddress({"sales", "team"}, "sales@example.org"));
  EXPECT_FALSE(NameInAddress({"support"}, "Support@example.org"));
}

}  // namespace
}  // namespace coastguard::forms
