#pragma once

#include <concepts>
#include <cstdint>

namespace coastguard::core {

// A set of enum values as a bit mask: cheap to build on the hot path, listed in enum order.
// `Enum` must end with kCount, and kCount must fit in `Word`.
template <typename Enum, std::unsigned_integral Word>
class EnumSet {
  static_assert(static_cast<unsigned>(Enum::kCount) <= sizeof(Word) * 8);

 public:
  void Add(Enum e) { bits_ |= Word{1} << static_cast<unsigned>(e); }
  bool Has(Enum e) const { return bits_ & (Word{1} << static_cast<unsigned>(e)); }
  bool empty() const { return bits_ == 0; }
  Word bits() const { return bits_; }
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (unsigned i = 0; i < static_cast<unsigned>(Enum::kCount); ++i) {
      if (bits_ & (Word{1} << i)) fn(static_cast<Enum>(i));
    }
  }

 private:
  Word bits_ = 0;
};

}  // namespace coastguard::core
