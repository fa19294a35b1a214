#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/kernel/session_root.h"

namespace {

TEST(SessionRoot, ExplicitRootHoldsEverything) {
    auto p = w32::resolve_session_paths("/tmp/x/", "/run/user/1", "/s", "/home/u", 1);
    EXPECT_EQ(p.runtime_dir, "/tmp/x/run");
    EXPECT_EQ(p.state_dir, "/tmp/x/state");
    EXPECT_EQ(p.shm_prefix.rfind("/pywin32-posix.1.", 0), 0u);
}

TEST(SessionRoot, XdgDefaults) {
    auto p = w32::resolve_session_paths(nullptr, "/run/user/7", nullptr, "/home/u", 7);
    EXPECT_EQ(p.runtime_dir, "/run/user/7/pywin32-posix");
    EXPECT_EQ(p.state_dir, "/home/u/.local/state/pywin32-posix");
    auto q = w32::resolve_session_paths("", "", "/st", "", 7);
    EXPECT_EQ(q.runtime_dir, "/tmp/pywin32-posix-7");
    EXPECT_EQ(q.state_dir, "/st/pywin32-posix");
}

TEST(SessionRoot, DifferentRootsGiveDifferentShmNames) {
    auto a = w32::resolve_session_paths("/a", nullptr, nullptr, nullptr, 1);
    auto b = w32::resolve_session_paths("/b", nullptr, nullptr, nullptr, 1);
    EXPECT_NE(a.shm_prefix, b.shm_prefix);
    EXPECT_EQ(a.shm_prefix, w32::resolve_session_paths("/a/", nullptr, nullptr, nullptr, 1).shm_prefix);
}

TEST(SessionRoot, PrivateDirIsCreated0700AndAFileIsRefused) {
    char tmpl[] = "/tmp/w32rootXXXXXX";
    std::string base = mkdtemp(tmpl);
    std::string dir = base + "/a/b";
    w32::ensure_private_dir(dir);
    struct stat st;
    ASSERT_EQ(stat(dir.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    w32::ensure_private_dir(dir);  // idempotent
    std::ofstream(base + "/file") << "x";
    try {
        w32::ensure_private_dir(base + "/file");
        FAIL() << "a file was taken for a directory";
    } catch (const w32::Win32Error& e) {
        EXPECT_EQ(e.code(), w32::err::kAccessDenied);
    }
    ASSERT_EQ(std::system(("rm -rf " + base).c_str()), 0);
}

}  // namespace
