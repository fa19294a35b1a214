// FNV-1a, 64 bits: the same value in every process and run (std::hash is
// not promised to be), for names that several processes must agree on.
#pragma once

#include <cstdint>
#include <string_view>

namespace w32 {

inline constexpr uint64_t kFnvOffsetBasis = 14695981039346656037ull;

// `fold` maps each character first (case-insensitive names); none by default.
inline uint64_t fnv1a(std::string_view s, uint64_t basis = kFnvOffsetBasis,
                      char (*fold)(char) = nullptr) noexcept {
    uint64_t h = basis;
    for (char c : s) {
        h ^= static_cast<unsigned char>(fold ? fold(c) : c);
        h *= 1099511628211ull;
    }
    return h;
}

}  // namespace w32
