// Parameter markers: pywin32 accepts `?` and Oracle-style `:1, :2` (turned
// into `?`), outside quoted text.
#pragma once

#include <string>

namespace w32::odbc {

// Rewrites `:N` markers to `?` in place; returns the number of markers.
size_t rewrite_parameter_markers(std::u16string& sql);

}  // namespace w32::odbc
