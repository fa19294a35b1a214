#include <gtest/gtest.h>

#include <cerrno>

#include "w32/error/codes.h"
#include "w32/error/format_message.h"
#include "w32/error/win32_error.h"

#include <thread>

namespace {

TEST(Errno, MapsToWindowsCodes) {
    EXPECT_EQ(w32::win32_from_errno(ENOENT), w32::err::kFileNotFound);
    EXPECT_EQ(w32::win32_from_errno(EACCES), w32::err::kAccessDenied);
    EXPECT_EQ(w32::win32_from_errno(EEXIST), w32::err::kAlreadyExists);
    EXPECT_EQ(w32::win32_from_errno(EBADF), w32::err::kInvalidHandle);
    EXPECT_EQ(w32::win32_from_errno(EPIPE), w32::err::kBrokenPipe);
    EXPECT_EQ(w32::win32_from_errno(ENOSPC), w32::err::kDiskFull);
}

TEST(Messages, KnownCodesHaveWindowsText) {
    EXPECT_EQ(w32::system_message(2), "The system cannot find the file specified.");
    EXPECT_EQ(w32::system_message(6), "The handle is invalid.");
    EXPECT_EQ(w32::format_system_message(2), "The system cannot find the file specified.\r\n");
    EXPECT_TRUE(w32::system_message(0x7fff0000u).empty());
    try {
        w32::format_system_message(0x7fff0000u);
        FAIL() << "unknown code formatted";
    } catch (const w32::Win32Error& e) {
        EXPECT_EQ(e.code(), w32::err::kMrMidNotFound);
    }
}

TEST(LastError, IsPerThread) {
    w32::set_last_error(5);
    uint32_t seen = 99;
    std::thread([&] { seen = w32::get_last_error(); }).join();
    EXPECT_EQ(seen, 0u);
    EXPECT_EQ(w32::get_last_error(), 5u);
}

TEST(Inserts, ExpandsReferencesAndEscapes) {
    std::vector<std::string> args{"alpha", "beta"};
    EXPECT_EQ(w32::expand_message_inserts("%1 and %2!s!.%n", args, false), "alpha and beta.\r\n");
    EXPECT_EQ(w32::expand_message_inserts("100%% %1%0tail", args, false), "100% alpha");
    EXPECT_EQ(w32::expand_message_inserts("%1 %2", args, true), "%1 %2");
    EXPECT_EQ(w32::expand_message_inserts("%10", {"a","b","c","d","e","f","g","h","i","j"}, false), "j");
    EXPECT_EQ(w32::expand_message_inserts("trailing %", args, false), "trailing %");
    try {
        w32::expand_message_inserts("%3", args, false);
        FAIL() << "missing insert accepted";
    } catch (const w32::Win32Error& e) {
        EXPECT_EQ(e.code(), w32::err::kInvalidParameter);
    }
}

TEST(FormatMessage, FlagsChooseTheSource) {
    std::vector<std::string> args{"x"};
    EXPECT_EQ(w32::format_message(0x400, "got %1", 0, args), "got x");
    EXPECT_EQ(w32::format_message(0x1000, std::nullopt, 2, {}), "The system cannot find the file specified.\r\n");
    EXPECT_EQ(w32::format_message(0x1200, std::nullopt, 2, {}), "The system cannot find the file specified.\r\n");
    auto code_of = [](auto&& fn) {
        try {
            fn();
        } catch (const w32::Win32Error& e) {
            return e.code();
        }
        return 0u;
    };
    EXPECT_EQ(code_of([&] { w32::format_message(0x400, std::nullopt, 0, args); }), w32::err::kInvalidParameter);
    EXPECT_EQ(code_of([&] { w32::format_message(0x800, std::nullopt, 1, {}); }), 1813u);
    EXPECT_EQ(code_of([&] { w32::format_message(0, std::nullopt, 2, {}); }), w32::err::kInvalidParameter);
    EXPECT_EQ(code_of([&] { w32::format_message(0x1000, std::nullopt, 0x7fff0000u, {}); }), w32::err::kMrMidNotFound);
}

}  // namespace
