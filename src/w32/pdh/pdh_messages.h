// pdh.dll's message texts for the PDH_* status codes.
#pragma once

#include <cstdint>
#include <string_view>

namespace w32::pdh {

// The text Windows gives for a PDH status code, or empty when not a PDH code.
std::string_view pdh_message(uint32_t code) noexcept;

// Makes system_message() (and so pywintypes.error) know the PDH texts; idempotent.
void register_pdh_messages() noexcept;

}  // namespace w32::pdh
