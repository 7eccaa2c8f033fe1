#pragma once

#include <bit>
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
    // Only the members: most sets on the hot path hold none or two of dozens of values.
    for (Word rest = bits_; rest != 0; rest &= rest - 1) {
      fn(static_cast<Enum>(std::countr_zero(rest)));
    }
  }

 private:
  Word bits_ = 0;
};

}  // namespace coastguard::core
