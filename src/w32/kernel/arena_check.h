// A full consistency check of the arena's structures, for tests and
// diagnostics: after any crash and recovery these must all hold.
#pragma once

#include <string>

namespace w32::arena {

class ArenaTx;

// Returns an empty string when consistent, else a description of the first
// violation found. Call with the arena lock held.
std::string check_arena(ArenaTx& tx);

}  // namespace w32::arena
